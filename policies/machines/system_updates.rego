# METADATA
# title: System updates should be installed on your machines
# description: >-
#   Missing security and critical updates are the most common way into a machine: the
#   fixes are public, and so are the exploits. A machine is unhealthy when its agent
#   snapshot lists pending updates (`updates.pending`) whose classification is security or
#   critical (any case; Windows Update's "Security Updates" and "Critical Updates" too).
#   The message names them, with the version available (unless the name already holds
#   it, as Windows update titles hold their KB number), sorted, at most ten and then how
#   many more. Updates classified otherwise (features, drivers, "other") do not count.
#   When the updates probe has status unknown, or `pending` is null, the machine is
#   reported unknown; pending entries without a classification are reported unknown
#   beside the result (they may be security updates). Machines without an agent snapshot
#   are not applicable.
# scope: package
# custom:
#   id: machine-system-updates
#   per_resource: true
#   severity: High
#   control: apply-system-updates
#   resource_types: [Microsoft.Compute/virtualMachines, Microsoft.HybridCompute/machines]
#   remediation: |-
#     1. Install the updates named in the finding: on Debian and Ubuntu apt-get update && apt-get upgrade (or unattended-upgrade for security updates only); on RHEL-like systems dnf upgrade --security; on Windows install them from Windows Update or Azure Update Manager.
#     2. Reboot if the update asks for it (see machine-reboot-pending), then collect a new snapshot.
#     3. Turn on automatic security updates (unattended-upgrades, dnf-automatic, or Azure Update Manager with periodic assessment and a maintenance configuration).
#   threats: [Elevation of privilege, Data exfiltration, Threat resistance]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [MCSB PV-6, CIS Azure 7.5]
package posture.machines.system_updates

import data.posture.lib.agent
import data.posture.lib.util

applicable contains r.id if {
	some r in input.resources
	agent.has_agent(r)
}

_limit := 10

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	pending := _pending(r)
	names := sort({_describe(u) | some u in pending; _important(u)})
	count(names) > 0
	msg := sprintf("%d security or critical %s pending%s: %s", [count(names), _noun(count(names)), _manager(r), _first(names)])
}

unknown contains {"resource": r.id, "message": why} if {
	some r in input.resources
	why := agent.unavailable(agent.section(r, ["updates"]), "updates")
}

unknown contains {"resource": r.id, "message": "updates.pending not reported"} if {
	some r in input.resources
	agent.usable(agent.section(r, ["updates"]))
	not is_array(r.agent.updates.pending)
}

unknown contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	names := sort({_describe(u) | some u in _pending(r); _classification(u) == ""})
	count(names) > 0
	msg := sprintf("%d pending %s without a classification: %s", [count(names), _noun(count(names)), _first(names)])
}

_pending(r) := r.agent.updates.pending if {
	agent.usable(agent.section(r, ["updates"]))
	is_array(r.agent.updates.pending)
}

_classification(u) := util.lc(object.get(u, "classification", null)) if is_object(u)

else := ""

_important(u) if startswith(_classification(u), "security")

_important(u) if startswith(_classification(u), "critical")

_describe(u) := concat(" ", [u.name, u.available]) if {
	is_string(u.name)
	is_string(u.available)
	u.available != ""
	not contains(u.name, u.available)
} else := u.name if is_string(u.name)

else := sprintf("%v", [u])

_noun(1) := "update"

_noun(n) := "updates" if n != 1

_manager(r) := sprintf(" (%s)", [r.agent.updates.manager]) if is_string(r.agent.updates.manager)

else := ""

_first(names) := concat(", ", names) if count(names) <= _limit

else := sprintf("%s and %d more", [concat(", ", array.slice(names, 0, _limit)), count(names) - _limit])
