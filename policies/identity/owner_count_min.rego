# METADATA
# title: There should be more than one owner assigned to subscriptions
# description: >-
#   A subscription with a single Owner depends on one person: when that account is lost,
#   locked out or leaves, nobody can manage access or respond to an incident without a
#   support case. The subscription (`Microsoft.Resources/subscriptions`, id
#   `/subscriptions/<guid>`) is unhealthy when fewer than 2
#   `Microsoft.Authorization/roleAssignments` give the Owner role (a
#   `properties.roleDefinitionId` ending in 8e3af657-a8ff-443c-a75c-2fe8c4bcb635) at the
#   subscription scope itself (`properties.scope` equal to the subscription id, any case;
#   when `scope` is absent it is read from the assignment id). Owners inherited from
#   management groups are not counted, since they are not visible per subscription. A
#   subscription for which the inventory holds no role assignments at all is not
#   applicable: role assignments were not exported, so nothing can be judged.
# scope: package
# custom:
#   id: subscription-owner-count-min
#   per_resource: true
#   severity: High
#   control: manage-access-and-permissions
#   resource_types: [Microsoft.Resources/subscriptions]
#   remediation: |-
#     1. In the Azure portal open the subscription and select Access control (IAM) > Add role assignment.
#     2. Assign Owner to a second trusted administrator, or better to a group of administrators (ideally eligible through Privileged Identity Management).
#     3. Make sure the new owners have MFA and are documented as break-glass contacts.
#   threats: [Account breach, Threat resistance]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB PA-1, CIS Azure 1.22]
package posture.identity.owner_count_min

import data.posture.lib.identity

# Per subscription (lower-cased id) that has role assignments (identity.role_summary): its
# Owner assignments at subscription scope, lower-cased assignment id -> principal id (or,
# without one, the assignment id). A rule, not a function, so applicable and deny share
# one computation per subscription.
_owners_of[k] := {lower(a.id): object.get(a, ["properties", "principalId"], a.id) | some a in roles.owners} if {
	some r in input.resources
	is_string(r.id)
	k := lower(r.id)
	roles := identity.role_summary(r)
	roles.assigned
}

applicable contains r.id if {
	some r in input.resources
	_owners_of[lower(r.id)]
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	owners := _owners_of[lower(r.id)]
	count(owners) < 2
	msg := sprintf("%d Owner role assignment(s) at subscription scope (fewer than 2), principals %v", [count(owners), sort({p | some p in owners})])
}
