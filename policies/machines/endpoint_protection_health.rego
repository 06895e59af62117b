# METADATA
# title: Endpoint protection health issues on your machines should be resolved
# description: >-
#   Anti-malware with real-time protection off or week-old signatures misses the malware
#   it was bought for. A machine is unhealthy when any product in its agent snapshot's
#   `endpointProtection.products` has `realTimeProtection` false, or signatures as old as
#   the parameter `max_signature_age_days` (default 7) or older - judged from
#   `signatureUpdatedAt` against the assessment time when it is a valid time (the day
#   counts are as old as the snapshot), else from `antivirusSignatureAgeDays` /
#   `antispywareSignatureAgeDays` - or, on Windows, any of
#   Microsoft Defender's `amServiceEnabled`, `antispywareEnabled`,
#   `behaviorMonitorEnabled`, `ioavProtectionEnabled`, `onAccessProtectionEnabled` false
#   (the reference service's health checks for Defender). Booleans may be strings
#   ("False"). One finding per machine naming each product and its problems. A machine is
#   reported unknown when the probe has status unknown, `products` is null or empty
#   (nothing to assess; see machine-endpoint-protection-installed), a product's real-time
#   protection or signature age is not reported, or a Defender flag is null; a Defender
#   flag that is absent (a product that does not have it) is not checked. Machines
#   without an agent snapshot are not applicable.
# scope: package
# custom:
#   id: machine-endpoint-protection-health
#   per_resource: true
#   severity: Medium
#   control: enable-endpoint-protection
#   resource_types: [Microsoft.Compute/virtualMachines, Microsoft.HybridCompute/machines]
#   parameters:
#     max_signature_age_days: 7
#   remediation: |-
#     1. Turn real-time (on-access) protection back on: on Windows Set-MpPreference -DisableRealtimeMonitoring $false (and remove any policy that disables it); on Linux follow the product's guide (for ClamAV run clamonacc, for Defender for Endpoint mdatp config real-time-protection --value enabled).
#     2. Update signatures now (Update-MpSignature, freshclam, mdatp definitions update) and find out why the automatic update stopped: proxy, firewall, disk space or a stopped update service.
#     3. On Windows turn the other Defender components back on (Set-MpPreference -DisableBehaviorMonitoring $false -DisableIOAVProtection $false) and restart the WinDefend service if amServiceEnabled is false.
#     4. Collect a new snapshot and assess again.
#   threats: [Malicious insider, Data exfiltration, Threat resistance]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB ES-2, MCSB ES-3]
package posture.machines.endpoint_protection_health

import data.posture.lib.agent
import data.posture.lib.util

applicable contains r.id if {
	some r in input.resources
	agent.has_agent(r)
}

_max_days := agent.param("max_signature_age_days", 7)

_defender_flags := ["amServiceEnabled", "antispywareEnabled", "behaviorMonitorEnabled", "ioavProtectionEnabled", "onAccessProtectionEnabled"]

deny contains {"resource": r.id, "message": concat("; ", found)} if {
	some r in input.resources
	found := sort({sprintf("%s: %s", [_name(p), concat(", ", issues)]) |
		some p in _products_of[lower(r.id)]
		issues := sort(_issues(r, p))
		count(issues) > 0
	})
	count(found) > 0
}

unknown contains {"resource": r.id, "message": why} if {
	some r in input.resources
	why := agent.unavailable(agent.section(r, ["endpointProtection"]), "endpointProtection")
}

unknown contains {"resource": r.id, "message": "endpointProtection.products not reported"} if {
	some r in input.resources
	agent.usable(agent.section(r, ["endpointProtection"]))
	not _products_of[lower(r.id)]
}

unknown contains {"resource": r.id, "message": "no endpoint protection product to assess (see machine-endpoint-protection-installed)"} if {
	some r in input.resources
	count(_products_of[lower(r.id)]) == 0
}

unknown contains {"resource": r.id, "message": concat("; ", found)} if {
	some r in input.resources
	found := sort({sprintf("%s: %s", [_name(p), concat(", ", gaps)]) |
		some p in _products_of[lower(r.id)]
		gaps := sort(_gaps(r, p))
		count(gaps) > 0
	})
	count(found) > 0
}

# Each machine's products by lower-cased id: a rule, not a function, so deny and the
# unknown rules read a snapshot's products once.
_products_of[k] := ps if {
	some r in input.resources
	is_string(r.id)
	k := lower(r.id)
	ps := _products(r)
}

_products(r) := [p | some p in ps; is_object(p)] if {
	agent.usable(agent.section(r, ["endpointProtection"]))
	ps := _list(r.agent.endpointProtection)
	is_array(ps)
}

_list(section) := section if is_array(section)

else := section.products

_name(p) := p.name if is_string(p.name)

else := "unnamed product"

_windows(r) if agent.family(r) == "windows"

# _issues(r, p) is the set of problems of one product. The signature age (a regex and a
# time parse) is computed once per product here, and each kind of problem is its own
# function rather than a definition chosen by a constant argument: every definition of a
# multi-definition function runs on every call.
_issues(r, p) := ((_rtp_issue(p) | _age_issues(p, _age(p))) | _flag_issues(r, p))

_rtp_issue(p) := {"real-time protection off"} if util.is_false(p.realTimeProtection)

else := set()

# _age(p) is the age of a product's signatures in nanoseconds, null when the product does
# not report a readable update time (or the assessment time is missing).
_age(p) := age if {
	age := _updated_age(p)
} else := null

# With an update time, its age decides; without one, the reported day counts do.
_age_issues(p, age) := {sprintf("signatures last updated %s, %s ago (limit %v days)", [p.signatureUpdatedAt, agent.days(age), _max_days]) |
	age >= _max_days * agent.day_ns
} if age != null

else := {sprintf("antivirus signatures %v days old (limit %v days)", [p.antivirusSignatureAgeDays, _max_days]) |
	agent.num(p.antivirusSignatureAgeDays) >= _max_days
} | {sprintf("antispyware signatures %v days old (limit %v days)", [p.antispywareSignatureAgeDays, _max_days]) |
	agent.num(p.antispywareSignatureAgeDays) >= _max_days
}

_flag_issues(r, p) := {sprintf("%s false", [f]) | some f in _defender_flags; util.is_false(p[f])} if _windows(r)

else := set()

_updated_age(p) := agent.now_ns - agent.time_ns(p.signatureUpdatedAt)

# _gaps(r, p) is the set of values one product needs but does not report.
_gaps(r, p) := (({"real-time protection not reported" |
	not util.is_true(p.realTimeProtection)
	not util.is_false(p.realTimeProtection)
} | {"signature age not reported" |
	not _updated_age(p)
	not agent.num(p.antivirusSignatureAgeDays)
	not agent.num(p.antispywareSignatureAgeDays)
}) | _flag_gaps(r, p))

_flag_gaps(r, p) := {sprintf("%s not reported", [f]) |
	some f in _defender_flags
	f in object.keys(p)
	not util.is_true(p[f])
	not util.is_false(p[f])
} if _windows(r)

else := set()
