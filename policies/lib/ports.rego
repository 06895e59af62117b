# Port and protocol helpers for network security group rules. Port specifications arrive as
# "22", "22-3389", "*", "0-65535", numbers, comma lists or arrays of any of these; protocols
# as "Tcp", "TCP", "*", "Any". Ports are handled as sets of [from, to] ranges (inclusive) so
# that "*" never has to be expanded into 65 536 ports. No METADATA block: this is a library.
package posture.lib.ports

import data.posture.lib.util

# The management ports that must not be reachable from the Internet, with their names.
management := {22: "SSH", 3389: "RDP", 5985: "WinRM", 5986: "WinRM over HTTPS"}

# Ports that an Internet-facing rule may legitimately open (web traffic).
web := {80, 443}

# ranges(v) is the set of [from, to] ranges a port specification covers. Invalid entries
# (words, negative or out-of-range numbers) cover nothing; null and [] cover nothing.
ranges(v) := {r |
	some item in util.list(v)
	some part in pieces(item)
	r := parse(part)
}

# pieces(item) splits a string on commas ("80,443"); other values are one piece.
pieces(item) := split(item, ",") if is_string(item)

else := [item]

# The cases exclude each other; one rule with else branches is evaluated once per call.
parse(s) := [0, 65535] if util.lc(s) in {"*", "any"}

else := [s, s] if {
	is_number(s)
	valid(s)
}

else := [n, n] if {
	n := util.int(s)
	is_string(s)
	valid(n)
}

else := [min([a, b]), max([a, b])] if {
	is_string(s)
	bounds := split(trim_space(s), "-")
	count(bounds) == 2
	a := util.int(bounds[0])
	b := util.int(bounds[1])
	valid(a)
	valid(b)
}

valid(n) if {
	n == floor(n)
	n >= 0
	n <= 65535
}

# covers(rs, port) holds when one of the ranges rs contains port.
covers(rs, port) if {
	some r in rs
	r[0] <= port
	port <= r[1]
}

# first_outside(rs, holes) is the lowest port covered by the ranges rs but by none of the
# ranges holes; undefined when holes cover all of rs. The lowest such port is either the
# start of a range of rs or the port just after the end of a hole, so only those candidates
# are tried.
first_outside(rs, holes) := min(found) if {
	starts := {p | some r in rs; p := r[0]}
	after_holes := {p | some h in holes; p := h[1] + 1}
	candidates := starts | after_holes
	found := {p | some p in candidates; covers(rs, p); not covers(holes, p)}
	count(found) > 0
}

# describe(rs) renders ranges as "22", "1000-2000" or "*" (for 0-65535), sorted, comma-separated.
describe(rs) := concat(", ", [text(r) | some r in sort(rs)])

text(r) := "*" if r == [0, 65535]

text(r) := sprintf("%d", [r[0]]) if r[0] == r[1]

text(r) := sprintf("%d-%d", [r[0], r[1]]) if {
	r[0] != r[1]
	r != [0, 65535]
}

# protocol(v) normalises a rule's protocol: lower case, "any" and an absent value as "*".
protocol(v) := "*" if util.lc(v) in {"", "*", "any"}

else := util.lc(v)

# protocol_covers(p, want) holds when the normalised protocol p carries traffic of protocol
# want ("tcp" or "udp").
protocol_covers(p, _) if p == "*"

protocol_covers(p, want) if p == want

# port_name(p) is "22 (SSH)" for a management port, else the number.
port_name(p) := sprintf("%d (%s)", [p, management[p]]) if management[p]

else := sprintf("%d", [p])
