# Role assignments of subscriptions, as the identity policies read them (Owner counts,
# MFA for owners). No METADATA block: this is a library.
package posture.lib.identity

import data.posture.lib.util

# The built-in Owner role's definition id (the last segment of roleDefinitionId).
owner_role := "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"

# role_summary(sub) is {"assigned", "owners"} for a subscription resource: whether any role
# assignment of its resources has a scope inside the subscription (the subscription or
# anything under it), and its Owner assignments at subscription scope (the assignment
# resources, in key order). posture computes it once per assessment for every subscription
# and passes the table, by lower-cased id, as data.posture.shared.subscription_roles (three
# policies read it); without the table (unit tests, other hosts) it is computed here.
role_summary(sub) := data.posture.shared.subscription_roles[lower(sub.id)] if {
	is_string(sub.id)
	data.posture.shared.subscription_roles
} else := summarise_roles(sub)

# summarise_roles(sub) is role_summary(sub) computed from the inventory.
summarise_roles(sub) := {"assigned": assigned, "owners": owners} if {
	is_string(sub.id)
	key := lower(sub.id)
	assignments := [[scope, a] |
		some k, a in util.in_subscription(sub.id, "Microsoft.Authorization/roleAssignments")
		contains(k, "/providers/microsoft.authorization/roleassignments/")
		scope := _scope(k, a)
	]
	prefix := concat("", [key, "/"])
	assigned := count([scope |
		some [scope, _] in assignments
		startswith(concat("", [scope, "/"]), prefix)
	]) > 0
	owners := [a |
		some [scope, a] in assignments
		scope == key
		rd := object.get(a, ["properties", "roleDefinitionId"], null)
		is_string(rd)
		endswith(lower(rd), owner_role)
	]
}

# An assignment's scope, lower-cased without a trailing slash; without a scope property,
# its id up to the provider segment.
_scope(k, a) := lower(trim_right(trim_space(s), "/")) if {
	s := object.get(a, ["properties", "scope"], null)
	is_string(s)
} else := lower(regex.replace(k, `/providers/microsoft[.]authorization/roleassignments/.*$`, ""))
