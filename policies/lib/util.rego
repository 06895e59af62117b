# Helpers for the messy values of real ARM data: booleans that arrive as strings, case
# differences, absent fields. No METADATA block: this is a library, not a policy.
package posture.lib.util

# is_false(v) holds for false, "false", "False", "disabled", "Disabled".
is_false(v) if v == false

is_false(v) if {
	is_string(v)
	lower(v) in {"false", "disabled"}
}

# is_true(v) holds for true, "true", "True", "enabled", "Enabled".
is_true(v) if v == true

is_true(v) if {
	is_string(v)
	lower(v) in {"true", "enabled"}
}

# type_is(r, t) compares ARM types case-insensitively.
type_is(r, t) if lower(r.type) == lower(t)

# same_id(a, b) compares ARM ids case-insensitively.
same_id(a, b) if lower(a) == lower(b)
