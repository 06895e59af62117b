# Helpers for the messy values of real ARM data: booleans that arrive as strings, case
# differences, absent fields. No METADATA block: this is a library, not a policy.
package posture.lib.util

# is_false(v) holds for false, "false", "False", "disabled", "Disabled".
is_false(v) if v == false

is_false(v) if {
	is_string(v)
	lower(v) in {"false", "disabled"}
}

# is_true(v) holds for true, "true", "True", "enabled", "Enabled".
is_true(v) if v == true

is_true(v) if {
	is_string(v)
	lower(v) in {"true", "enabled"}
}

# type_is(r, t) compares ARM types case-insensitively.
type_is(r, t) if lc(r.type) == lower(t)

# same_id(a, b) compares ARM ids case-insensitively.
same_id(a, b) if lower(a) == lower(b)

# lc(v) is v trimmed and lower-cased when it is a string, else "" (never an error, so
# a number or null where a string belongs does not abort the evaluation).
lc(v) := lower(trim_space(v)) if is_string(v)

else := ""

# int(v) is v as a number when it is a number or a string of digits; undefined otherwise.
int(v) := v if is_number(v)

else := to_number(digits) if {
	is_string(v)
	regex.match(`^[0-9]{1,9}$`, trim_space(v))
	# to_number rejects leading zeros ("007") and aborts the whole evaluation, so drop them.
	stripped := trim_left(trim_space(v), "0")
	digits := _nonempty(stripped)
}

_nonempty(s) := s if s != ""

else := "0"

# list(v) is v as an array: arrays as they are, sets sorted, null as [], anything else [v].
# One rule with else branches, not four definitions: every definition of a function is
# evaluated on each call (to detect conflicts), and this one is called for most fields read.
list(v) := v if is_array(v)

else := sort(v) if is_set(v)

else := [] if v == null

else := [v]

# props(x) is x.properties when that is an object (the ARM shape), else x itself (the
# flattened shape of az CLI output and of some exports).
props(x) := p if {
	p := x.properties
	is_object(p)
} else := x

# resource(id) looks a resource up in data.posture.resources by id, case-insensitively.
resource(id) := data.posture.resources[lower(id)] if is_string(id)

# --- Join indexes ---
# The host gives policies data.posture.resources and, beside it, data.posture.index:
# {children, by_type, by_subscription}, the same resources grouped so that joins are
# lookups. Join through the functions below rather than scanning data.posture.resources per
# resource: a scan inside a per-resource rule is quadratic and takes hours at 100,000
# resources. Without an index (policy unit tests that mock only data.posture.resources)
# the functions scan, with the same results.

# children(id) is the object (lower-cased id -> resource) of the resources directly beneath
# the resource or scope id (see parent_key), e.g. a server's databases and firewall rules,
# a VM's extensions, a vault's diagnostic settings, a subscription's role assignments.
children(id) := object.get(data.posture.index.children, lower(id), {}) if {
	is_string(id)
	data.posture.index
} else := {k: r |
	some k, r in data.posture.resources
	parent_key(k) == lower(id)
} if is_string(id)

# children_at(id, segment) is the list of [key, resource] of the children of id whose key
# continues with segment, e.g. children_at(server.id, "/firewallrules/"), in key order.
children_at(id, segment) := [[k, r] |
	prefix := concat("", [lower(id), segment])
	some k, r in children(id)
	startswith(k, prefix)
]

# of_type(t) is the object (lower-cased id -> resource) of the resources of type t.
of_type(t) := object.get(data.posture.index.by_type, lower(t), {}) if {
	data.posture.index
} else := {k: r |
	some k, r in data.posture.resources
	type_is(r, t)
}

# in_subscription(sub_id, t) is the object of the resources of type t whose id starts with
# the subscription id sub_id ("/subscriptions/<id>").
in_subscription(sub_id, t) := object.get(data.posture.index.by_subscription, [lower(sub_id), lower(t)], {}) if {
	is_string(sub_id)
	data.posture.index
} else := {k: r |
	some k, r in data.posture.resources
	subscription_key(k) == lower(sub_id)
	type_is(r, t)
} if is_string(sub_id)

# parent_key(key) is the resource or scope directly above a lower-cased id: the id without
# its last type/name pair and without a providers/<namespace> pair left behind.
# Undefined for a subscription id or anything shorter.
parent_key(key) := concat("/", array.slice(parts, 0, keep)) if {
	parts := split(key, "/")
	count(parts) > 3
	keep := _keep(parts, count(parts) - 2)
}

_keep(parts, n) := n - 2 if {
	n >= 2
	parts[n - 2] == "providers"
} else := n

# subscription_key(key) is "/subscriptions/<id>" of a lower-cased id that starts with one.
subscription_key(key) := concat("/", ["", "subscriptions", parts[2]]) if {
	startswith(key, "/subscriptions/")
	parts := split(key, "/")
	parts[2] != ""
}

# ref_id(x) is the lower-cased id of a reference ({"id": ...}); undefined when absent/empty.
ref_id(x) := lower(x.id) if {
	is_string(x.id)
	x.id != ""
}

# parent_of(id, segment) is the lower-cased id in front of "/<segment>/" in a child id,
# e.g. parent_of(".../virtualMachines/vm1/extensions/ade", "extensions") is ".../virtualmachines/vm1".
parent_of(id, segment) := p if {
	parts := split(lower(id), concat("", ["/", lower(segment), "/"]))
	count(parts) == 2
	p := parts[0]
}

# vm_extensions(vm) is every extension of a VM: Microsoft.Compute/virtualMachines/extensions
# resources beneath it plus inline `resources[]`.
vm_extensions(vm) := {e |
	some e in children(vm.id)
	type_is(e, "Microsoft.Compute/virtualMachines/extensions")
} | {e |
	some e in list(object.get(vm, "resources", []))
	is_object(e)
}

# extension_type(ext) is the lower-cased extension type: `properties.type` (ARM shape), the
# az CLI's flattened `typePropertiesType`, else the last segment of the extension's name
# (extensions are usually named after their type).
extension_type(ext) := t if {
	t := lc(ext.properties.type)
	t != ""
} else := t if {
	t := lc(ext.typePropertiesType)
	t != ""
} else := t if {
	parts := split(lc(ext.name), "/")
	t := parts[count(parts) - 1]
	t != ""
}

# extension_failed(ext) holds when the extension's provisioningState is Failed: it exists
# but does not do its job.
extension_failed(ext) if lc(props(ext).provisioningState) == "failed"

# last_segment(id) is the part of an id after its last "/" (a resource's own name).
last_segment(id) := parts[count(parts) - 1] if {
	is_string(id)
	parts := split(id, "/")
}

# name_of(r) is the resource's name, else the last segment of its id.
name_of(r) := r.name if is_string(r.name)

else := last_segment(r.id)

# group_of(r) is the resource group of a resource: `resourceGroup`, else taken from its id.
group_of(r) := r.resourceGroup if is_string(r.resourceGroup)

else := g if {
	is_string(r.id)
	parts := split(r.id, "/")
	at := [i | some i, part in parts; lower(part) == "resourcegroups"]
	g := parts[at[0] + 1]
}
