# METADATA
# title: Endpoint protection should be installed on your machines
# description: >-
#   A machine without anti-malware cannot block or even report malicious code. This is the
#   agent-side check (what the machine itself reports), next to the inventory-side
#   vm-endpoint-protection-extension. A machine is unhealthy when its agent snapshot's
#   endpoint protection probe has status ok and lists no active product in
#   `endpointProtection.products`. A product does not count when it reports
#   `amServiceEnabled` false (Microsoft Defender Antivirus with its anti-malware service
#   stopped: the reference service treats it as not installed) or `enabled` false (a
#   product installed but switched off). When the probe has status unknown, or `products`
#   is null, the machine is reported unknown. How healthy an installed product is
#   (signatures, real-time protection) is machine-endpoint-protection-health. Machines
#   without an agent snapshot are not applicable.
# scope: package
# custom:
#   id: machine-endpoint-protection-installed
#   per_resource: true
#   severity: Medium
#   control: enable-endpoint-protection
#   resource_types: [Microsoft.Compute/virtualMachines, Microsoft.HybridCompute/machines]
#   remediation: |-
#     1. Enable Microsoft Defender for Servers so that Defender for Endpoint is deployed to the machine, or install the organisation's endpoint protection product.
#     2. On Windows, if Microsoft Defender Antivirus is present but its service is stopped, check that no policy disables it (DisableAntiSpyware) and that no third-party product put it in passive mode without protecting the machine itself; then Start-Service WinDefend.
#     3. Collect a new snapshot and check that the product is listed as enabled.
#   threats: [Malicious insider, Data exfiltration, Threat resistance]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB ES-2, CIS Azure 7.6]
package posture.machines.endpoint_protection_installed

import data.posture.lib.agent
import data.posture.lib.util

applicable contains r.id if {
	some r in input.resources
	agent.has_agent(r)
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	products := _products(r)
	not _active(products)
	msg := _message(products)
}

unknown contains {"resource": r.id, "message": why} if {
	some r in input.resources
	why := agent.unavailable(agent.section(r, ["endpointProtection"]), "endpointProtection")
}

unknown contains {"resource": r.id, "message": "endpointProtection.products not reported"} if {
	some r in input.resources
	agent.usable(agent.section(r, ["endpointProtection"]))
	not _products(r)
}

_products(r) := ps if {
	agent.usable(agent.section(r, ["endpointProtection"]))
	ps := _list(r.agent.endpointProtection)
	is_array(ps)
}

_list(section) := section if is_array(section)

else := section.products

_active(products) if {
	some p in products
	is_object(p)
	not _switched_off(p)
}

_switched_off(p) if util.is_false(p.amServiceEnabled)

_switched_off(p) if util.is_false(p.enabled)

_message(products) := "no endpoint protection product is installed" if count(products) == 0

else := sprintf("no active endpoint protection: %s", [concat("; ", sort({_why(p) | some p in products}))])

_why(p) := sprintf("%s has amServiceEnabled %v", [_name(p), p.amServiceEnabled]) if util.is_false(p.amServiceEnabled)

else := sprintf("%s has enabled %v", [_name(p), p.enabled]) if util.is_false(p.enabled)

else := sprintf("unreadable product entry %v", [p])

_name(p) := p.name if is_string(p.name)

else := "unnamed product"
