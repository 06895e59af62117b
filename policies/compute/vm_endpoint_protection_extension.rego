# METADATA
# title: Endpoint protection should be installed on virtual machines
# description: >-
#   A machine without anti-malware or endpoint detection and response cannot block or
#   even report malicious code. This is the inventory-side check of the reference
#   service's "Install endpoint protection solution on virtual machines": the VM is
#   unhealthy unless one of its extensions is an endpoint protection product, recognised
#   by extension type (case-insensitive) from the parameter `extensions` - by default
#   Microsoft Antimalware (IaaSAntimalware), Defender for Endpoint (MDE.Windows,
#   MDE.Linux), Trend Micro Deep Security (TrendMicroDSA, TrendMicroDSALinux), Symantec
#   (SymantecEndpointProtection, SCWPAgentForWindows, SCWPAgentForLinux) and McAfee
#   (McAfeeEndpointSecurity). Extensions are Microsoft.Compute/virtualMachines/extensions
#   resources under the VM's id or entries of the VM's `resources[]`; the type is read from
#   `properties.type`, the az CLI's `typePropertiesType`, else the extension's name. An
#   extension whose provisioningState is Failed does not count. A VM with no extensions in
#   the inventory is unhealthy. Whether the product is healthy (signatures, real-time
#   protection) is a matter for agent snapshots, not this check.
# scope: package
# custom:
#   id: vm-endpoint-protection-extension
#   per_resource: true
#   severity: Medium
#   control: enable-endpoint-protection
#   resource_types: [Microsoft.Compute/virtualMachines]
#   parameters:
#     extensions: [IaaSAntimalware, MDE.Windows, MDE.Linux, TrendMicroDSA, TrendMicroDSALinux, SymantecEndpointProtection, SCWPAgentForWindows, SCWPAgentForLinux, McAfeeEndpointSecurity]
#   remediation: |-
#     1. Enable Microsoft Defender for Servers on the subscription so that Defender for Endpoint (MDE.Windows / MDE.Linux) is deployed to every machine, or choose the organisation's endpoint protection product.
#     2. For a single Windows VM, install the Microsoft Antimalware extension (publisher Microsoft.Azure.Security, type IaaSAntimalware) with real-time protection on.
#     3. If the product is installed without a VM extension (for example by a configuration-management tool), add its extension type to the `extensions` parameter or exempt the VM with category mitigated.
#   threats: [Malicious insider, Data exfiltration, Threat resistance]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB ES-2, MCSB ES-3, CIS Azure 7.6]
package posture.compute.vm_endpoint_protection_extension

import data.posture.lib.util

_accepted := {util.lc(t) | some t in util.list(input.parameters.extensions)}

deny contains {"resource": vm.id, "message": msg} if {
	some vm in input.resources
	exts := util.vm_extensions(vm)
	not _protected(exts)
	msg := _message(exts)
}

_protected(exts) if {
	some e in exts
	util.extension_type(e) in _accepted
	not util.extension_failed(e)
}

_message(exts) := "no endpoint protection: the VM has no extensions in the inventory" if count(exts) == 0

_message(exts) := sprintf("no endpoint protection extension among the VM's extensions %s", [concat(", ", sort([_describe(e) | some e in exts]))]) if count(exts) > 0

_describe(e) := sprintf("%s (failed)", [util.name_of(e)]) if util.extension_failed(e)

else := util.name_of(e)
