# Helpers for agent snapshots (the `agent` a machine resource carries; see DESIGN.md,
# "Agent snapshots"). Every probe section of a snapshot has `status` "ok" or "unknown" (with
# a `reason`) and values that could not be read are null, so each helper here is total:
# wrong types and missing sections make it undefined or "unknown", never an error (regorus
# aborts the whole evaluation when a builtin gets a bad argument).
# No METADATA block: this is a library, not a policy.
package posture.lib.agent

import data.posture.lib.util

# has_agent(r) holds when the resource carries an agent snapshot.
has_agent(r) if is_object(r.agent)

# is_vm(r) holds for an Azure virtual machine (any case of the type).
is_vm(r) if util.type_is(r, "Microsoft.Compute/virtualMachines")

# family(r) is the lower-cased OS family of a machine: the snapshot's `host.os.family`, else
# the resource's own osType (`properties.osType` of a HybridCompute machine,
# `storageProfile.osDisk.osType` of a VM); "" when none says.
family(r) := f if {
	f := util.lc(r.agent.host.os.family)
	f != ""
} else := f if {
	f := util.lc(util.props(r).osType)
	f != ""
} else := f if {
	f := util.lc(util.props(r).storageProfile.osDisk.osType)
	f != ""
} else := ""

# unavailable(section, label) is why a snapshot section cannot be used, or undefined when
# it can: absent or null ("<label> not collected"), not an object or array ("<label> is not
# readable"), or a status other than "ok" ("<label>: <reason>"). An object without
# `status` and a bare array (a section written as its entries) count as usable.
# One rule with else branches (the cases exclude each other): machine policies call it for
# every section they read, and every definition of a multi-definition function runs.
unavailable(section, label) := sprintf("%s not collected", [label]) if section == null

else := sprintf("%s is not readable", [label]) if {
	not is_object(section)
	not is_array(section)
}

else := sprintf("%s: %s", [label, _reason(section)]) if {
	is_object(section)
	"status" in object.keys(section)
	util.lc(section.status) != "ok"
}

_reason(section) := section.reason if {
	is_string(section.reason)
	section.reason != ""
} else := sprintf("status is %v", [section.status])

# usable(section) holds when unavailable(section, _) is undefined.
usable(section) if not unavailable(section, "")

# section(r, path) is the snapshot value at path (an array of keys), null when absent.
section(r, path) := object.get(r.agent, path, null) if is_object(r.agent)

# get_ci(obj, key) is obj[key] with the key compared case-insensitively (sshd -T prints
# lower-case keys, login.defs upper-case ones): the exact key first, else the first other
# spelling in sorted order; null values are skipped. Undefined when there is no value or
# obj is no object.
get_ci(obj, key) := v if {
	is_object(obj)
	v := obj[key]
	v != null
} else := obj[keys[0]] if {
	is_object(obj)
	keys := sort([k | some k, v in obj; lower(k) == lower(key); v != null])
	count(keys) > 0
}

# entries(section, field) is the list a section holds: the section itself when it is an
# array, else its `field` member when that is an array, else [].
entries(section, field) := section if is_array(section)

else := section[field] if {
	is_object(section)
	is_array(section[field])
} else := []

# num(v) is v as a number: numbers as they are, decimal strings ("7", "-1", "0022", " 2 ")
# converted; undefined otherwise. (to_number aborts on "0022", so leading zeros go first.)
num(v) := v if is_number(v)

num(v) := n if {
	is_string(v)
	m := regex.find_all_string_submatch_n(`^[ \t]*(-?)0*([0-9]{1,15})[ \t]*$`, v, 1)
	count(m) == 1
	n := to_number(concat("", [m[0][1], m[0][2]]))
}

# octal(v) is an octal mode or mask ("0640", "640", "027", "0027") as a number; undefined
# for anything else. Numbers are read as their decimal digits (640 -> 0640).
octal(v) := _octal(format_int(v, 10)) if {
	is_number(v)
	v >= 0
	v == floor(v)
}

octal(v) := _octal(v) if is_string(v)

_octal(s) := sum([v |
	some i, d in split(padded, "")
	v := to_number(d) * [512, 64, 8, 1][i]
]) if {
	regex.match(`^[ \t]*[0-7]{1,4}[ \t]*$`, s)
	digits := trim_space(s)
	padded := concat("", [substring("0000", 0, 4 - count(digits)), digits])
}

# mode_within(mode, max) holds when the octal mode sets no permission bit that max does
# not (0400 is within 0640; 0644 is not within 0640).
mode_within(mode, max) if {
	m := octal(mode)
	bits.and(m, octal(max)) == m
}

# ---------------------------------------------------------------------------------------
# Times. time.parse_rfc3339_ns aborts on bad input (including 2026-02-30), so a string is
# only parsed after a strict shape and calendar check; years are limited to 1970-2199 (the
# range of a nanosecond count).

_rfc3339 := `^(19[7-9][0-9]|2[01][0-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`

_month_days := {"01": 31, "02": 29, "03": 31, "04": 30, "05": 31, "06": 30, "07": 31, "08": 31, "09": 30, "10": 31, "11": 30, "12": 31}

# valid_time(s) holds when s is an RFC 3339 timestamp that time.parse_rfc3339_ns accepts.
valid_time(s) if {
	is_string(s)
	m := regex.find_all_string_submatch_n(_rfc3339, s, 1)
	count(m) == 1
	year := to_number(m[0][1])
	day := num(m[0][3])
	day <= _month_days[m[0][2]]
	not _bad_leap_day(year, m[0][2], day)
}

_bad_leap_day(year, "02", 29) if not _leap(year)

_leap(year) if {
	year % 4 == 0
	year % 100 != 0
}

_leap(year) if year % 400 == 0

# time_ns(s) is s parsed to nanoseconds since the epoch; undefined unless valid_time(s).
time_ns(s) := time.parse_rfc3339_ns(s) if valid_time(s)

# now_ns is the assessment time (input.now); undefined when absent or malformed.
now_ns := time_ns(input.now)

# days(ns) is a duration in whole days, rounded down ("3 days", "1 day").
days(ns) := sprintf("%d day", [d]) if {
	d := floor(ns / _day_ns)
	d == 1
} else := sprintf("%d days", [floor(ns / _day_ns)])

_day_ns := ((24 * 60) * 60) * 1000000000

# day_ns is one day in nanoseconds, hour_ns one hour.
day_ns := _day_ns

hour_ns := (60 * 60) * 1000000000

# param(name, fallback) is input.parameters[name] as a number, else fallback (also when
# the parameter is a string that is no number, so a typo cannot switch a check off).
param(name, fallback) := n if {
	n := num(input.parameters[name])
} else := fallback

# ---------------------------------------------------------------------------------------
# Windows registry values: `baseline.registry` is a list of {path, name, value, type}
# (or an object whose `values`/`entries` member is that list). Paths and names compare
# case-insensitively, with "HKEY_LOCAL_MACHINE" the same as "HKLM".

registry(r) := section(r, ["baseline", "registry"])

registry_entries(reg) := entries(reg, "values") if count(entries(reg, "values")) > 0

else := entries(reg, "entries")

# registry_value(reg, path, name) is the value of the first entry at path/name; undefined
# when there is none.
registry_value(reg, path, name) := values[0] if {
	# The wanted path and name normalised once, not once per entry (two regex replaces);
	# an entry's path only once its name matches (most entries' names do not).
	want_path := _reg_path(path)
	want_name := lower(name)
	values := [e.value |
		some e in registry_entries(reg)
		is_object(e)
		util.lc(e.name) == want_name
		_reg_path(e.path) == want_path
	]
	count(values) > 0
}

# registry_index(reg) is the registry's entries as [normalised path, lower-cased name,
# value], in the registry's order: each entry's path is normalised once, not once per
# lookup. registry_lookup(index, want_path, want_name) with want_path as registry_path
# gives it and want_name in lower case is registry_value(reg, path, name).
registry_index(reg) := [[_reg_path(e.path), util.lc(e.name), e.value] |
	some e in registry_entries(reg)
	is_object(e)
]

registry_lookup(index, want_path, want_name) := values[0] if {
	values := [v | some [path, name, v] in index; name == want_name; path == want_path]
	count(values) > 0
}

# registry_path(p) is a registry path as registry_value compares it: lower case,
# HKEY_LOCAL_MACHINE as HKLM, no trailing backslash.
registry_path(p) := _reg_path(p)

_reg_path(p) := regex.replace(regex.replace(util.lc(p), `^hkey_local_machine\\`, `hklm\`), `\\+$`, "")
