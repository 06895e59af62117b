# METADATA
# title: A maximum of 3 owners should be designated for your subscription
# description: >-
#   Every Owner can change anything in the subscription, including access itself, so each
#   extra Owner widens the blast radius of one phished account. The subscription
#   (`Microsoft.Resources/subscriptions`, id `/subscriptions/<guid>`) is unhealthy when more
#   than 3 `Microsoft.Authorization/roleAssignments` give the Owner role (a
#   `properties.roleDefinitionId` ending in 8e3af657-a8ff-443c-a75c-2fe8c4bcb635) at the
#   subscription scope itself (`properties.scope` equal to the subscription id, any case;
#   when `scope` is absent it is read from the assignment id). Assignments inherited from
#   management groups and those on resource groups or resources are not counted. A
#   subscription for which the inventory holds no role assignments at all is not
#   applicable: role assignments were not exported, so nothing can be judged.
# scope: package
# custom:
#   id: subscription-owner-count-max
#   per_resource: true
#   severity: High
#   control: manage-access-and-permissions
#   resource_types: [Microsoft.Resources/subscriptions]
#   remediation: |-
#     1. In the Azure portal open the subscription and select Access control (IAM) > Role assignments, filtered on Owner.
#     2. Decide which (at most 3) principals keep Owner; prefer a group with Privileged Identity Management eligibility over standing assignments.
#     3. Replace the other Owner assignments with narrower roles (Contributor, User Access Administrator or a custom role) and remove them.
#   threats: [Account breach, Elevation of privilege, Malicious insider]
#   user_impact: Moderate
#   implementation_effort: Moderate
#   references: [MCSB PA-1, CIS Azure 1.23]
package posture.identity.owner_count_max

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
	count(owners) > 3
	msg := sprintf("%d Owner role assignments at subscription scope (more than 3), principals %v", [count(owners), sort({p | some p in owners})])
}
