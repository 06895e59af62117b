# METADATA
# title: MFA should be enabled on accounts with owner permissions on subscriptions
# description: >-
#   An Owner account protected only by a password is one phishing or password-spray away
#   from full control of the subscription. Whether a person must use MFA is decided in
#   Microsoft Entra ID (security defaults, conditional access or per-user MFA), which an
#   ARM or Resource Graph export does not contain; the one MFA signal such an export does
#   contain is Defender for Cloud's own assessment of it, a `Microsoft.Security/assessments`
#   resource (Resource Graph table securityresources) at
#   `/subscriptions/<id>/providers/Microsoft.Security/assessments/<key>`, by default the key
#   94290b00-4d0c-d7b4-7cea-064a9554e681 ("MFA should be enabled on accounts with owner
#   permissions on your subscription"; the parameter `assessment_keys` accepts successor
#   keys too). The subscription is applicable when the inventory holds a
#   `Microsoft.Authorization/roleAssignments` giving Owner (role definition
#   8e3af657-a8ff-443c-a75c-2fe8c4bcb635) at the subscription scope to a principal that can
#   be a person: `principalType` User, Group or ForeignGroup, or absent. Service principals
#   and managed identities cannot use MFA and do not make it applicable. An applicable
#   subscription is unhealthy unless one of those assessments has `properties.status.code`
#   Healthy; an absent assessment counts as no evidence of MFA. Limits: the result is only
#   as fresh as the exported assessment, Owners inherited from management groups are not
#   seen, and MFA for Contributor or Reader accounts is not checked.
# scope: package
# custom:
#   id: subscription-mfa-owners
#   per_resource: true
#   severity: High
#   control: enable-mfa
#   resource_types: [Microsoft.Resources/subscriptions]
#   parameters:
#     assessment_keys: [94290b00-4d0c-d7b4-7cea-064a9554e681]
#   remediation: |-
#     1. In Microsoft Entra ID create a conditional access policy that requires multifactor authentication for all users with Azure management access (the "Microsoft Azure Management" / Windows Azure Service Management API app), or turn on security defaults.
#     2. Check that every Owner of the subscription is covered by the policy and has registered an MFA method.
#     3. Export the Defender for Cloud assessments again (Resource Graph securityresources) and confirm the owners' MFA assessment is Healthy.
#   threats: [Account breach, Elevation of privilege]
#   user_impact: Moderate
#   implementation_effort: Moderate
#   references: [MCSB IM-6, CIS Azure 1.1.1]
package posture.identity.mfa_owners

import data.posture.lib.identity

_machine_types := {"serviceprincipal", "msi", "application", "device"}

_keys := [lower(k) | some k in input.parameters.assessment_keys; is_string(k)] if is_array(input.parameters.assessment_keys)

else := []

# Per subscription (lower-cased id) with Owner assignments that may be people: their
# principals. A rule, not a function, so applicable and deny share one computation.
_human_owners_of[k] := owners if {
	some r in input.resources
	is_string(r.id)
	k := lower(r.id)
	owners := _human_owners(r)
	count(owners) > 0
}

applicable contains r.id if {
	some r in input.resources
	_human_owners_of[lower(r.id)]
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	owners := _human_owners_of[lower(r.id)]
	not _mfa_evidence(r)
	msg := sprintf("%d Owner assignment(s) to users or groups (principals %v) and no Healthy Defender MFA assessment for owners (%s)", [
		count(owners),
		sort([p | some p in owners]),
		concat(", ", [sprintf("%s: %v", [key, _status(r, key)]) | some key in _keys]),
	])
}

# Principals (or assignment ids) of Owner assignments at the subscription that may be people.
_human_owners(sub) := {object.get(a, ["properties", "principalId"], a.id) |
	some a in identity.role_summary(sub).owners
	not _machine(object.get(a, ["properties", "principalType"], null))
}

_machine(t) if {
	is_string(t)
	lower(t) in _machine_types
}

_mfa_evidence(sub) if {
	some key in _keys
	_status(sub, key) == "healthy"
}

_status(sub, key) := lower(code) if {
	a := data.posture.resources[concat("", [lower(sub.id), "/providers/microsoft.security/assessments/", key])]
	code := object.get(a, ["properties", "status", "code"], null)
	is_string(code)
} else := "absent"
