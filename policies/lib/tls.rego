# TLS versions as real ARM data spells them ("1.2", "TLS1_2", "Tls12", "TLSv1.2", 1.2,
# "None"), normalised so that they can be compared. No METADATA block: this is a library.
#
# Regex note: the regorus build has no Unicode classes, so patterns use [0-9] and [ ]
# instead of \d and \s, and inputs are lower-cased instead of using (?i).
package posture.lib.tls

# normalize(v) returns "1.<minor>" ("1.0", "1.1", "1.2", "1.3") for a recognised spelling:
# "1.2", "1_2", "12", "TLS1_2", "tls1.2", "Tls12", "TLSv1.2", "TLS 1.2", the JSON numbers
# 1.2 and 1 (TLS 1.0). Undefined for null, "None", "SSL3" and anything else.
# The usual spellings are looked up before two regular expressions run: policies call this
# for every resource, and the table gives what the expressions would.
normalize(v) := n if {
	n := _common[v]
}

else := concat("", ["1.", minor]) if {
	m := regex.find_all_string_submatch_n(`^1(?:[._]?([0-9]))?$`, _bare(v), 1)[0]
	minor := _minor(m[1])
}

_common := {
	"1.0": "1.0", "1.1": "1.1", "1.2": "1.2", "1.3": "1.3",
	"TLS1_0": "1.0", "TLS1_1": "1.1", "TLS1_2": "1.2", "TLS1_3": "1.3",
}

# is_none(v) holds for "None" in any case: "no minimum", which accepts every TLS version.
is_none(v) if {
	is_string(v)
	lower(trim_space(v)) == "none"
}

# below(v, minimum) holds when both are recognised versions and v is lower.
below(v, minimum) if normalize(v) < normalize(minimum)

# at_least(v, minimum) holds when both are recognised versions and v is not lower.
at_least(v, minimum) if normalize(v) >= normalize(minimum)

_bare(v) := regex.replace(lower(trim_space(v)), `^tls[ _]*v?[ ]*`, "") if is_string(v)

else := sprintf("%v", [v]) if is_number(v)

_minor(d) := "0" if d == ""

else := d
