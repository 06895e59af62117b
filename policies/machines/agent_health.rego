# METADATA
# title: The agent on your machines should report recent data
# description: >-
#   A snapshot that is days old says nothing about patches installed or settings changed
#   since, and a collector that stopped reporting often means a broken or removed agent.
#   A machine with an agent snapshot is unhealthy when its `collectedAt` is older than the
#   parameter `freshness_hours` (default 24, as the reference service's 24-hour latency
#   for update data) at the assessment time (`--now`), or more than one hour in the future
#   (the machine's clock is skewed, so no time it reports can be trusted). A snapshot
#   exactly `freshness_hours` old is still healthy. A missing or malformed `collectedAt`
#   (not RFC 3339) is reported unknown. Machines without a snapshot are not applicable
#   (see machine-agent-installed).
# scope: package
# custom:
#   id: machine-agent-health
#   per_resource: true
#   severity: Medium
#   control: apply-system-updates
#   resource_types: [Microsoft.Compute/virtualMachines, Microsoft.HybridCompute/machines]
#   parameters:
#     freshness_hours: 24
#   remediation: |-
#     1. Check that the machine is running and that the scheduled collection (cron, systemd timer or scheduled task) still runs and can write its snapshot.
#     2. Check that snapshots are copied to the folder posture reads, and collect a new one now.
#     3. For clock skew, fix time synchronisation (chrony or systemd-timesyncd on Linux, w32time on Windows) and collect again.
#   threats: [Threat resistance]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB LT-3, MCSB PV-6]
package posture.machines.agent_health

import data.posture.lib.agent

applicable contains r.id if {
	some r in input.resources
	agent.has_agent(r)
}

_limit_hours := agent.param("freshness_hours", 24)

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	collected := agent.time_ns(r.agent.collectedAt)
	age := agent.now_ns - collected
	age > _limit_hours * agent.hour_ns
	msg := sprintf("the snapshot was collected %s ago (collectedAt %s, assessed at %s): older than the %v-hour limit", [_span(age), r.agent.collectedAt, input.now, _limit_hours])
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	collected := agent.time_ns(r.agent.collectedAt)
	ahead := collected - agent.now_ns
	ahead > agent.hour_ns
	msg := sprintf("collectedAt %s is %s ahead of the assessment time %s: the machine's clock is skewed", [r.agent.collectedAt, _span(ahead), input.now])
}

unknown contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	agent.has_agent(r)
	not agent.valid_time(r.agent.collectedAt)
	msg := sprintf("collectedAt is %s, not an RFC 3339 time: the snapshot's age is unknown", [_shown(r.agent)])
}

unknown contains {"resource": r.id, "message": "the assessment time (input.now) is missing or malformed: the snapshot's age is unknown"} if {
	some r in input.resources
	agent.valid_time(r.agent.collectedAt)
	not agent.now_ns
}

_shown(snapshot) := sprintf("%q", [snapshot.collectedAt]) if is_string(snapshot.collectedAt)

else := "missing" if object.get(snapshot, "collectedAt", null) == null

else := sprintf("%v", [snapshot.collectedAt])

# _span(ns) is a duration in whole hours below two days, else in whole days.
_span(ns) := "1 hour" if floor(ns / agent.hour_ns) == 1

else := sprintf("%d hours", [floor(ns / agent.hour_ns)]) if ns < 2 * agent.day_ns

else := agent.days(ns)
