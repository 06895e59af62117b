# METADATA
# title: Your machines should be restarted to apply system updates
# description: >-
#   Updates to the kernel, the C library or other loaded code only protect a machine after
#   it restarts; until then the vulnerable code keeps running although the update is
#   "installed". A machine is unhealthy when its agent snapshot says
#   `updates.rebootRequired` is true (boolean or string); the message names the packages
#   that asked for the reboot (`updates.rebootPackages`) when the snapshot lists them.
#   When the updates probe has status unknown or `rebootRequired` is null or absent, the
#   machine is reported unknown. Machines without an agent snapshot are not applicable.
# scope: package
# custom:
#   id: machine-reboot-pending
#   per_resource: true
#   severity: Medium
#   control: apply-system-updates
#   resource_types: [Microsoft.Compute/virtualMachines, Microsoft.HybridCompute/machines]
#   remediation: |-
#     1. Plan a restart in the machine's maintenance window (for a VM: az vm restart, or Restart-AzVM); drain it from its load balancer or cluster first.
#     2. After the restart collect a new snapshot and check that rebootRequired is false.
#     3. To avoid long-pending reboots, let unattended-upgrades (Automatic-Reboot) or Azure Update Manager reboot inside a maintenance window.
#   threats: [Elevation of privilege, Threat resistance]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [MCSB PV-6]
package posture.machines.reboot_pending

import data.posture.lib.agent
import data.posture.lib.util

applicable contains r.id if {
	some r in input.resources
	agent.has_agent(r)
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	agent.usable(agent.section(r, ["updates"]))
	util.is_true(r.agent.updates.rebootRequired)
	msg := sprintf("a restart is pending to finish installing updates%s", [_packages(r.agent.updates)])
}

unknown contains {"resource": r.id, "message": why} if {
	some r in input.resources
	why := agent.unavailable(agent.section(r, ["updates"]), "updates")
}

unknown contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	agent.usable(agent.section(r, ["updates"]))
	value := _reboot_required(r.agent.updates)
	not util.is_true(value)
	not util.is_false(value)
	msg := sprintf("updates.rebootRequired is %v, not true or false", [value])
}

_reboot_required(updates) := object.get(updates, "rebootRequired", null) if is_object(updates)

else := null

_packages(updates) := sprintf(" (requested by %s)", [concat(", ", names)]) if {
	names := sort({p | some p in util.list(updates.rebootPackages); is_string(p)})
	count(names) > 0
} else := ""
