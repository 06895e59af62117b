# Network security group evaluation and the VM -> NIC -> subnet -> NSG joins. NSG rules are
# normalised from either shape (ARM: `properties.securityRules[].properties`; flattened:
# fields on the rule itself), custom and default rules together, and evaluated as Azure
# does: inbound rules in priority order, lowest number first, first match decides, and
# anything no rule allows is denied. No METADATA block: this is a library.
package posture.lib.net

import data.posture.lib.ports
import data.posture.lib.util

# A rule without a usable priority is placed last among custom rules (Azure rejects such a
# rule, so this only matters for hand-written or truncated data).
default_priority := 4096

# rules(nsg) is the set of the NSG's security rules, custom and default, each normalised to
# {name, priority, direction, access, protocol, sources, ports, default}: direction, access
# and protocol lower-cased ("inbound", "allow", "tcp", "*"), sources a set of lower-cased
# prefixes from sourceAddressPrefix and sourceAddressPrefixes, ports a set of [from, to]
# ranges from destinationPortRange and destinationPortRanges.
rules(nsg) := {normalise(r, false) | some r in rule_list(nsg, "securityRules")} | {normalise(r, true) |
	some r in rule_list(nsg, "defaultSecurityRules")
}

# internet_rules(nsg) holds the rules of rules(nsg) that can decide Internet traffic
# (inbound rules with an Internet source), and possibly a few others: open_rule and
# other_exposures check from_internet on every rule they use, so the set may be larger
# but never smaller. Picking rules from the raw data first skips normalising (parsing the
# port ranges of) the internal rules that make up most large NSGs.
internet_rules(nsg) := {normalise(r, false) |
	some r in rule_list(nsg, "securityRules")
	_maybe_internet(r)
} | {normalise(r, true) |
	some r in rule_list(nsg, "defaultSecurityRules")
	_maybe_internet(r)
}

# _maybe_internet(r) holds for every inbound rule with an Internet source, and for some
# other rules. An Internet prefix ("*", "Internet", "Any" or a /0 CIDR, in either source
# field, alone or in a comma-separated list) always leaves one of these substrings in the
# JSON text of the source fields, so one regular expression over that text rejects most
# internal rules without splitting and lower-casing every prefix; this runs for every rule
# of every NSG.
_maybe_internet(r) if {
	# Both shapes' fields (props(r) is one of them), so no call is needed before the regex.
	regex.match(`(?i)[*]|internet|any|/0`, json.marshal([
		object.get(r, ["properties", "sourceAddressPrefix"], null),
		object.get(r, ["properties", "sourceAddressPrefixes"], null),
		object.get(r, "sourceAddressPrefix", null),
		object.get(r, "sourceAddressPrefixes", null),
	]))
	util.lc(object.get(util.props(r), "direction", "")) == "inbound"
}

rule_list(nsg, field) := [r | some r in util.list(object.get(util.props(nsg), field, [])); is_object(r)]

normalise(r, is_default) := {
	"name": rule_name(r),
	"priority": priority(p),
	"direction": util.lc(object.get(p, "direction", "")),
	"access": util.lc(object.get(p, "access", "")),
	"protocol": ports.protocol(object.get(p, "protocol", null)),
	"sources": prefixes(p),
	"ports": ports.ranges(object.get(p, "destinationPortRange", null)) | ports.ranges(object.get(p, "destinationPortRanges", null)),
	"default": is_default,
} if {
	p := util.props(r)
}

rule_name(r) := r.name if is_string(r.name)

else := r.properties.name if is_string(r.properties.name)

else := "(unnamed rule)"

priority(p) := n if {
	n := util.int(p.priority)
} else := default_priority

prefixes(p) := {util.lc(s) |
	some v in [object.get(p, "sourceAddressPrefix", null), object.get(p, "sourceAddressPrefixes", null)]
	some item in util.list(v)
	some s in ports.pieces(item)
	util.lc(s) != ""
}

# internet_prefix(s) holds for a (lower-cased) source prefix that includes the whole
# Internet: "*", the service tag "Internet", "Any", or any /0 CIDR (0.0.0.0/0, ::/0).
internet_prefix(s) if s in {"*", "internet", "any"}

internet_prefix(s) if endswith(s, "/0")

# from_internet(rule) holds for an inbound rule one of whose sources is the Internet.
from_internet(rule) if {
	rule.direction == "inbound"
	some s in rule.sources
	internet_prefix(s)
}

# decides(rule, proto, port) holds when rule applies to Internet traffic of protocol proto
# ("tcp"/"udp") to port, whichever its access.
decides(rule, proto, port) if {
	rule.access in {"allow", "deny"}
	from_internet(rule)
	ports.protocol_covers(rule.protocol, proto)
	ports.covers(rule.ports, port)
}

# open_rule(rs, proto, port) is the rule of rs that lets Internet traffic of protocol proto
# reach port: the matching rule with the lowest priority number, when it allows. Undefined
# when the first matching rule denies or no rule matches (the implicit deny). On a priority
# tie (invalid in Azure) an Allow wins, so a finding is never hidden by ambiguous data.
open_rule(rs, proto, port) := sort(allowing)[0] if {
	matching := {r | some r in rs; decides(r, proto, port)}
	top := min({r.priority | some r in matching})
	allowing := [r | some r in matching; r.priority == top; r.access == "allow"]
	count(allowing) > 0
}

# open_management_ports(nsg) is the set of [port, rule] pairs for the management ports
# (22, 3389, 5985, 5986 over TCP) the NSG lets in from the Internet, rule being the
# normalised rule that opens the port.
open_management_ports(nsg) := _open_management(internet_rules(nsg))

_open_management(rs) := {[p, r] |
	some p, _ in ports.management
	r := open_rule(rs, "tcp", p)
}

# management_findings(nsg) groups open_management_ports(nsg) by rule: a set of
# {rule, ports} with ports sorted, so a rule opening 22 and 3389 is one finding.
management_findings(nsg) := _management_of(internet_rules(nsg))

_management_of(rs) := {{"rule": r, "ports": ps} |
	opened := _open_management(rs)
	some [_, r] in opened
	ps := sort([p | some [p, x] in opened; x == r])
}

# Ports excluded from the all-ports check: web and management ports (the latter have their
# own recommendation).
expected := {[p, p] | some p in ports.web} | {[p, p] | some p, _ in ports.management}

# other_exposures(rs, rule) is the set of "port/protocol" strings naming, per protocol
# (tcp, udp), the lowest port other than 80, 443 and the management ports that rule
# effectively lets in from the Internet: covered by the rule and by no rule of a lower
# priority number that applies to Internet traffic of that protocol. Empty when the rule
# is not an Internet-facing Allow or everything it covers is decided earlier.
other_exposures(rs, rule) := {sprintf("%d/%s", [p, proto]) |
	rule.access == "allow"
	from_internet(rule)
	some proto in ["tcp", "udp"]
	ports.protocol_covers(rule.protocol, proto)
	earlier := {rg |
		some x in rs
		x.priority < rule.priority
		x.access in {"allow", "deny"}
		from_internet(x)
		ports.protocol_covers(x.protocol, proto)
		some rg in x.ports
	}
	p := ports.first_outside(rule.ports, earlier | expected)
}

# open_other_ports(nsg) is the set of {rule, exposures} for every rule of the NSG that
# effectively opens a port other than 80, 443 and the management ports to the Internet.
open_other_ports(nsg) := _other_of(internet_rules(nsg))

_other_of(rs) := {{"rule": r, "exposures": sort(e)} |
	some r in rs
	e := other_exposures(rs, r)
	count(e) > 0
}

# analysis(nsg) is {"management": management_findings(nsg), "other": open_other_ports(nsg)},
# the NSG's rules normalised once for both.
analysis(nsg) := {"management": _management_of(rs), "other": _other_of(rs)} if {
	rs := internet_rules(nsg)
}

# describe_rule(rule) is "AllowSSH (priority 100, source *)" for messages.
describe_rule(rule) := sprintf("%s (priority %d, source %s)", [rule.name, rule.priority, concat(", ", sort([s |
	some s in rule.sources
	internet_prefix(s)
]))])

# --- VM -> NIC -> subnet -> NSG joins (through data.posture.resources) ---

# nics(vm) is the list of the VM's network interfaces found in the inventory.
nics(vm) := [nic |
	some ref in util.list(object.get(util.props(vm), ["networkProfile", "networkInterfaces"], []))
	nic := util.resource(ref.id)
]

# ip_configs(nic) is the list of the NIC's IP configurations, each as its properties.
ip_configs(nic) := [util.props(c) | some c in util.list(object.get(util.props(nic), "ipConfigurations", [])); is_object(c)]

# public_ip(cfg) holds when an IP configuration carries a public IP address.
public_ip(cfg) if util.ref_id(cfg.publicIPAddress)

# has_public_ip(vm) holds when one of the VM's known interfaces has a public IP address.
has_public_ip(vm) if count(public_configs(vm)) > 0

# public_configs(vm) is [[nic, cfg], ...] for every IP configuration with a public IP on one
# of the VM's known interfaces, in interface and configuration order: what nics,
# ip_configs and public_ip give. The plain ARM shape (the VM's, each interface's and each
# configuration's properties objects, the lists arrays) is read directly, without those
# helpers' dozen calls per VM; any other shape takes them.
public_configs(vm) := [[nic, c.properties] |
	some [nic, c] in pairs
	is_string(c.properties.publicIPAddress.id)
	c.properties.publicIPAddress.id != ""
] if {
	is_object(vm.properties)
	refs := vm.properties.networkProfile.networkInterfaces
	is_array(refs)
	found := [nic | some ref in refs; is_string(ref.id); nic := data.posture.resources[lower(ref.id)]]
	every nic in found {
		is_array(nic.properties.ipConfigurations)
	}
	pairs := [[nic, c] | some nic in found; some c in nic.properties.ipConfigurations; is_object(c)]
	every pair in pairs {
		is_object(pair[1].properties)
	}
} else := [[nic, cfg] |
	some nic in nics(vm)
	some cfg in ip_configs(nic)
	public_ip(cfg)
]

# subnet_entries(subnet_id) is every representation of a subnet in the inventory: a
# standalone Microsoft.Network/virtualNetworks/subnets resource and the entry in its
# virtual network's properties.subnets.
subnet_entries(subnet_id) := {s | s := util.resource(subnet_id)} | {s |
	vnet := util.resource(util.parent_of(subnet_id, "subnets"))
	some s in util.list(object.get(util.props(vnet), "subnets", []))
	same_subnet(s, subnet_id)
}

same_subnet(s, subnet_id) if util.lc(s.id) == lower(subnet_id)

same_subnet(s, subnet_id) if {
	not is_string(s.id)
	parts := split(lower(subnet_id), "/")
	util.lc(s.name) == parts[count(parts) - 1]
}

# subnet_nsgs(subnet_id) is the set of lower-cased NSG ids associated with the subnet.
subnet_nsgs(subnet_id) := {id |
	some s in subnet_entries(subnet_id)
	id := util.ref_id(util.props(s).networkSecurityGroup)
}

# vm_nsgs(vm) is the set of {nsg, via} for every NSG on the VM's path: on one of its
# interfaces ("network interface nic1") or on the subnet of one of their IP configurations
# ("subnet web of network interface nic1"). nsg is the lower-cased NSG id.
vm_nsgs(vm) := {{"nsg": id, "via": sprintf("network interface %s", [util.name_of(nic)])} |
	some nic in nics(vm)
	id := util.ref_id(util.props(nic).networkSecurityGroup)
} | {{"nsg": id, "via": sprintf("subnet %s of network interface %s", [util.last_segment(subnet), util.name_of(nic)])} |
	some nic in nics(vm)
	some cfg in ip_configs(nic)
	subnet := util.ref_id(cfg.subnet)
	some id in subnet_nsgs(subnet)
}

# vm_management_findings(vm) is the set of {nsg, via, rule, ports}: each NSG resource on
# the VM's path (NIC or subnet) with a rule that opens management ports to the Internet;
# via lists where the NSG is attached. NSGs missing from the inventory cannot be judged
# and are skipped.
_vm_management_findings(vm) := {{"nsg": util.resource(id), "via": vias, "rule": f.rule, "ports": f.ports} |
	refs := vm_nsgs(vm)
	some id in {ref.nsg | some ref in refs}
	vias := sort([ref.via | some ref in refs; ref.nsg == id])
	some f in _management_by_id(id)
}

# vm_management_findings(vm) is _vm_management_findings(vm), from posture's shared table
# (data.posture.shared.vm_management_findings, by lower-cased VM id) when there is one.
vm_management_findings(vm) := data.posture.shared.vm_management_findings[lower(vm.id)] if {
	data.posture.shared.vm_management_findings
} else := _vm_management_findings(vm)

# nsg_management_findings is management_findings of every NSG of the inventory, by
# lower-cased id, shared by all the VMs behind an NSG. Without posture's shared table (unit
# tests, other hosts) it is computed here.
nsg_management_findings := {id: management_findings(nsg) |
	some id, nsg in util.of_type("Microsoft.Network/networkSecurityGroups")
}

# posture computes analysis(nsg) once per assessment for every NSG and passes the table,
# by lower-cased id, as data.posture.shared.nsg_analysis; the functions below read it when
# present and compute the same values otherwise. An id that is not an NSG of the inventory
# has no findings either way.
_management_by_id(id) := object.get(data.posture.shared.nsg_analysis, [id, "management"], set()) if {
	data.posture.shared.nsg_analysis
} else := nsg_management_findings[id]

# nsg_management(nsg) is management_findings(nsg).
nsg_management(nsg) := data.posture.shared.nsg_analysis[lower(nsg.id)].management if {
	data.posture.shared.nsg_analysis
} else := management_findings(nsg)

# nsg_other_ports(nsg) is open_other_ports(nsg).
nsg_other_ports(nsg) := data.posture.shared.nsg_analysis[lower(nsg.id)].other if {
	data.posture.shared.nsg_analysis
} else := open_other_ports(nsg)
