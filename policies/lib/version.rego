# Dotted release versions ("1.29", "1.29.7", "v1.29.7", "1.29.7-hotfix.20240102") turned into
# valid semantic versions so that semver.compare can never abort an evaluation.
# No METADATA block: this is a library, not a policy.
package posture.lib.version

# normalize(v) returns "MAJOR.MINOR.PATCH" without leading zeros: "1.29" -> "1.29.0",
# "v1.29.07" -> "1.29.7". A pre-release or build suffix is dropped (only the numeric core
# is compared). Undefined for anything that is not a string of that shape.
normalize(v) := concat(".", [_num(m[1]), _num(m[2]), _num(m[3])]) if {
	is_string(v)
	m := regex.find_all_string_submatch_n(
		`^[vV]?([0-9]+)[.]([0-9]+)(?:[.]([0-9]+))?(?:[-+].*)?$`,
		trim_space(v), 1,
	)[0]
}

# is_version(v) holds when v can be normalised.
is_version(v) if normalize(v)

# compare(a, b) is -1, 0 or 1 like semver.compare; undefined unless both are versions.
compare(a, b) := semver.compare(normalize(a), normalize(b))

# below(a, b) holds when a and b are versions and a is lower.
below(a, b) if compare(a, b) < 0

# Digits without leading zeros ("" -> "0", "007" -> "7"), valid in a semantic version.
_num("") := "0"

_num(d) := regex.replace(d, `^0+([0-9])`, "$1") if d != ""
