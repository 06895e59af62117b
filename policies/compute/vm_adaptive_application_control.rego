# METADATA
# title: Adaptive application controls for defining safe applications should be enabled on your machines
# description: >-
#   An allowlist of known applications stops malware, crypto-miners and unapproved tools
#   from running even when an attacker gets onto the machine. The VM is healthy when it is
#   a member of a configured adaptive application control group: a
#   Microsoft.Security/locations/applicationWhitelistings resource of the inventory lists
#   it in `properties.vmRecommendations[].resourceId` (compared case-insensitively), the
#   configuration status is Configured (the entry's `configurationStatus`, else the
#   group's) and the enforcement mode is Audit or Enforce (the entry's `enforcementMode`,
#   else the group's). Otherwise it is unhealthy - not in any group, or in a group whose
#   status or mode is absent, NotConfigured, InProgress, Failed, NoStatus or None. A VM
#   whose group entry says `enforcementSupport` NotSupported cannot run the feature and
#   is not applicable; all other VMs are applicable. Values are compared
#   case-insensitively.
# scope: package
# custom:
#   id: vm-adaptive-application-control
#   per_resource: true
#   severity: High
#   control: apply-adaptive-application-control
#   resource_types: [Microsoft.Compute/virtualMachines]
#   remediation: |-
#     1. Enable Microsoft Defender for Servers Plan 2 and let it collect process data from the machines for about two weeks.
#     2. In Defender for Cloud open Workload protections > Adaptive application controls, select the recommended group that contains the VM (or create a group), review the allowlist rules and select Audit.
#     3. Watch the violations for a while, refine the rules, and keep the group in Audit or move it to Enforce.
#   threats: [Malicious insider, Data exfiltration, Elevation of privilege]
#   user_impact: High
#   implementation_effort: Moderate
#   references: [MCSB AM-5, Azure Policy 47a6b606-51aa-4496-8bb7-64b11cf66adc]
package posture.compute.vm_adaptive_application_control

import data.posture.lib.util

# One entry per (group, VM) membership: {vm, group, status, mode, support}; vm and support
# lower-cased, status and mode as written ("" when absent).
_memberships contains m if {
	some group in util.of_type("Microsoft.Security/locations/applicationWhitelistings")
	gp := util.props(group)
	some entry in util.list(object.get(gp, "vmRecommendations", []))
	is_string(entry.resourceId)
	m := {
		"vm": lower(entry.resourceId),
		"group": util.name_of(group),
		"status": _first([object.get(entry, "configurationStatus", null), object.get(gp, "configurationStatus", null)]),
		"mode": _first([object.get(entry, "enforcementMode", null), object.get(gp, "enforcementMode", null)]),
		"support": util.lc(object.get(entry, "enforcementSupport", "")),
	}
}

# _first(values) is the first string of values; "" when there is none.
_first(values) := found[0] if {
	found := [v | some v in values; is_string(v)]
	count(found) > 0
} else := ""

_configured(m) if {
	util.lc(m.status) == "configured"
	util.lc(m.mode) in {"audit", "enforce"}
}

applicable contains vm.id if {
	some vm in input.resources
	not _unsupported(vm)
}

_unsupported(vm) if lower(vm.id) in _unsupported_vms

# VM sets, built once: a per-VM scan of every membership is quadratic in the estate.
_unsupported_vms contains m.vm if {
	some m in _memberships
	m.support == "notsupported"
}

_configured_vms contains m.vm if {
	some m in _memberships
	_configured(m)
}

deny contains {"resource": vm.id, "message": msg} if {
	some vm in input.resources
	not _unsupported(vm)
	not lower(vm.id) in _configured_vms
	msg := _message(_mine(vm))
}

# The VM's memberships, in _memberships order. A scan of every membership per VM would be
# quadratic, and Rego has no group-by (the RVM does not support a multi-value rule keyed by
# VM), so memberships are sorted by VM once and each VM's run of positions is looked up.
_mine(vm) := [pair[1] | some pair in run] if {
	id := lower(vm.id)
	run := array.slice(_by_vm, _run_first[id], _run_last[id] + 1)
} else := []

_by_vm := sort([[m.vm, m] | some m in _memberships])

_run_first := {vm: i |
	some i, pair in _by_vm
	vm := pair[0]
	_run_starts(i, vm)
}

_run_last := {vm: i |
	some i, pair in _by_vm
	vm := pair[0]
	_run_ends(i, vm)
}

_run_starts(i, _) if i == 0

_run_starts(i, vm) if {
	i > 0
	_by_vm[i - 1][0] != vm
}

_run_ends(i, _) if i == count(_by_vm) - 1

_run_ends(i, vm) if {
	i < count(_by_vm) - 1
	_by_vm[i + 1][0] != vm
}

_message(ms) := "the VM is in no adaptive application control group" if count(ms) == 0

_message(ms) := sprintf("adaptive application control is not in force: %s", [concat("; ", sort([_describe(m) | some m in ms]))]) if count(ms) > 0

_describe(m) := sprintf("group %s has configurationStatus %s and enforcementMode %s", [m.group, _shown(m.status), _shown(m.mode)])

_shown("") := "absent"

_shown(v) := v if v != ""
