# Helpers for detections (policies with `custom.kind: alert`): the machines' newest snapshot
# and history, events by kind, times, parameters, threat-intelligence matching and the
# baseline window that anomaly alerts state. See README, "Security alerts".
#
# A machine is {"id", "name", "type", "hostname", "collectedAt", "snapshot", "history"}.
# Every helper is total: missing sections, nulls and wrong types give [] or undefined, never
# an error (regorus aborts the whole evaluation when a builtin gets a bad argument).
# No METADATA block: this is a library, not a policy.
package posture.lib.alerts

import data.posture.lib.agent
import data.posture.lib.util

# ---------------------------------------------------------------------------------------
# Snapshots

# snapshot(m) is the machine's newest snapshot ({} when it has none).
snapshot(m) := m.snapshot if is_object(m.snapshot)

else := {}

# history(m) is the machine's earlier snapshots, oldest first ([] without history).
history(m) := [h | some h in _array(object.get(m, "history", [])); is_object(h)]

# previous(m) is the newest earlier snapshot; undefined without history.
previous(m) := h if {
	hs := history(m)
	count(hs) > 0
	h := hs[count(hs) - 1]
}

# at(doc, path) is the array at path in a snapshot document, its objects only; [] when the
# path is absent, null (the agent could not read it) or not an array.
at(doc, path) := [x | some x in _array(object.get(doc, path, null)); is_object(x)]

# known(doc, path) holds when the agent read the list at path (an array, maybe empty).
known(doc, path) if is_array(object.get(doc, path, null))

# strings(doc, path) is the set of strings at path ({} when unknown).
strings(doc, path) := {s | some s in _array(object.get(doc, path, null)); is_string(s)}

# items(m, path) is at(snapshot(m), path).
items(m, path) := at(snapshot(m), path)

_array(v) := v if is_array(v)

else := []

# family(m) is the newest snapshot's lower-cased OS family ("linux", "windows", "").
family(m) := util.lc(snapshot(m).host.os.family)

# collected(doc) is a snapshot's collectedAt when it is a valid RFC 3339 time.
collected(doc) := doc.collectedAt if agent.valid_time(doc.collectedAt)

# ---------------------------------------------------------------------------------------
# Times

# ns(t) is an RFC 3339 time in nanoseconds; undefined unless valid.
ns(t) := agent.time_ns(t)

# rfc(n) is a nanosecond time as RFC 3339 in UTC.
rfc(n) := time.format(n)

minute_ns := 60 * 1000000000

hour_ns := agent.hour_ns

# ---------------------------------------------------------------------------------------
# Parameters

# number(name, fallback) is input.parameters[name] as a number, else fallback.
number(name, fallback) := agent.param(name, fallback)

# list(name, fallback) is input.parameters[name] (its strings) when it is an array.
list(name, fallback) := [x | some x in input.parameters[name]; is_string(x)] if is_array(input.parameters[name])

else := fallback

# first(xs, n) is the first n elements of xs (evidence lists stay short).
first(xs, n) := array.slice(xs, 0, n)

# ---------------------------------------------------------------------------------------
# Logins

# logins(m) is the newest snapshot's authentication events with a valid time, as
# {"ns", "time", "result", "user", "source", "method"}; results and addresses lower-cased.
# The "Invalid user" line sshd writes before the attempts themselves (method null) is left
# out: counting it would count one attempt twice.
logins(m) := [l |
	some e in items(m, ["events", "authentication"])
	n := ns(e.time)
	not _marker(e)
	l := {
		"ns": n,
		"time": e.time,
		"result": util.lc(e.result),
		"user": text(object.get(e, "user", null)),
		"source": util.lc(e.sourceAddress),
		"method": object.get(e, "method", null),
	}
]

_marker(e) if {
	e.method == null
	e.invalidUser == true
}

# str(obj, key) is obj[key] when it is a string, else "" (also when obj lacks the key, where
# text(obj.key) would be undefined and take the whole rule with it).
str(obj, key) := text(object.get(obj, key, null)) if is_object(obj)

else := ""

# text(v) is v when it is a string, else "" (safe for concat, lower and regex).
text(v) := v if is_string(v)

else := ""

# by_source(ls, result) is the logins with this result grouped by source address:
# {source: [login, ...]} with each list in time order. One sort and one pass, so a host
# with thousands of addresses in its log costs no more than one with a few.
by_source(ls, result) := {rows[b][0]: [r[2] | some r in array.slice(rows, b, _next(bounds, k, count(rows)))] |
	rows := sort([[l.source, l.ns, l] | some l in ls; l.result == result; l.source != ""])
	bounds := [i | some i, _ in rows; _starts_group(rows, i)]
	some k, b in bounds
}

_starts_group(rows, i) if i == 0

_starts_group(rows, i) if {
	i > 0
	rows[i - 1][0] != rows[i][0]
}

_next(bounds, k, n) := bounds[k + 1] if k + 1 < count(bounds)

else := n

# window_start(ts, n, w) is the earliest time in the sorted times ts from which n of them
# fall within w nanoseconds; undefined when none does. Linear in ts: the n-th time after
# each one is the only one to compare.
window_start(ts, n, w) := min({t |
	some i, t in ts
	n >= 1
	j := (i + n) - 1
	j < count(ts)
	ts[j] - t < w
})

# ---------------------------------------------------------------------------------------
# Windows events

# win_events(m, id) is the newest snapshot's Windows events with this event id (a number
# or its digits) and a valid time.
win_events(m, id) := [e |
	some e in items(m, ["events", "windows"])
	util.int(e.eventId) == id
	ns(e.time)
]

# field(e, key) is a Windows event's data field (key compared case-insensitively) as a
# string; "" when absent.
field(e, key) := v if {
	v := agent.get_ci(e.data, key)
	is_string(v)
} else := format_int(v, 10) if {
	v := agent.get_ci(e.data, key)
	is_number(v)
} else := ""

# ---------------------------------------------------------------------------------------
# Processes

# processes(m) is the newest snapshot's running processes.
processes(m) := items(m, ["processes", "running"])

# command(p) is a process's command line ("" when unknown).
command(p) := p.commandLine if is_string(object.get(p, "commandLine", null))

else := ""

# exe(p) is a process's executable path without Linux's " (deleted)" mark ("" when unknown).
exe(p) := trim_suffix(p.exe, " (deleted)") if is_string(object.get(p, "exe", null))

else := ""

# started(m, p) is when a process started, else when the snapshot saw it running.
started(m, p) := p.startTime if agent.valid_time(p.startTime)

else := collected(snapshot(m))

# launches(m) is every program start the newest snapshot shows: running processes and
# Windows process-creation events (4688), as {"time", "exe", "command", "user", "pid", "sha256", "from"}.
launches(m) := array.concat(
	[{"time": t, "exe": exe(p), "command": command(p), "user": text(object.get(p, "user", null)), "pid": object.get(p, "pid", null), "sha256": util.lc(object.get(p, "sha256", "")), "from": "process"} |
		some p in processes(m)
		t := started(m, p)
	],
	[{"time": e.time, "exe": field(e, "NewProcessName"), "command": field(e, "CommandLine"), "user": text(object.get(e, "account", null)), "pid": null, "sha256": "", "from": "event 4688"} |
		some e in win_events(m, 4688)
	],
)

# ---------------------------------------------------------------------------------------
# Threat intelligence (data.posture.intel, from --intel)

indicators := [i | some i in data.posture.intel.indicators; is_object(i)]

# address_indicator(ip) is an address indicator matching ip: the same address, or a CIDR
# range holding it.
address_indicator(ip) := i if {
	some i in indicators
	i.type in {"ipv4-addr", "ipv6-addr"}
	_address_match(i.value, ip)
}

_address_match(value, ip) if lower(value) == ip

_address_match(value, ip) if {
	contains(value, "/")
	net.cidr_is_valid(value)
	valid_ip(ip)
	net.cidr_contains(value, ip)
}

# valid_ip(ip) holds for an IPv4 or IPv6 address net.cidr_contains accepts.
valid_ip(ip) if {
	regex.match(`^[0-9]{1,3}(\.[0-9]{1,3}){3}$`, ip)
	net.cidr_is_valid(concat("", [ip, "/32"]))
}

valid_ip(ip) if {
	contains(ip, ":")
	regex.match(`^[0-9a-fA-F:.]+$`, ip)
	net.cidr_is_valid(concat("", [ip, "/128"]))
}

# hash_indicator(sha256) is a file-hash indicator for this SHA-256.
hash_indicator(sha256) := i if {
	sha256 != ""
	some i in indicators
	i.type == "file:hashes.SHA-256"
	lower(i.value) == sha256
}

# text_indicators(text) is the domain and URL indicators that appear in text: a domain as
# a whole name (or a parent of one: evil.example matches pool.evil.example, not
# notevil.example or evil.example.org), a URL as is; both case-insensitively.
text_indicators(text) := {i |
	some i in indicators
	_intext(i, lower(text))
}

_intext(i, text) if {
	i.type == "domain-name"
	pattern := concat("", [`(^|[^a-z0-9-])`, replace(lower(i.value), ".", `\.`), `($|[^a-z0-9.-])`])
	regex.match(pattern, text)
}

_intext(i, text) if {
	i.type == "url"
	contains(text, lower(i.value))
}

# ---------------------------------------------------------------------------------------
# Anomalies: the baseline is the machine's history

# baseline(m, path) is the history snapshots that know the list at path, with the window
# they span: {"snapshots", "from", "to"}; undefined with fewer than the `min_history`
# parameter (default 1).
baseline(m, path) := b if {
	docs := [h | some h in history(m); known(h, path); collected(h)]
	count(docs) >= number("min_history", 1)
	count(docs) > 0
	b := {
		"snapshots": count(docs),
		"from": collected(docs[0]),
		"to": collected(docs[count(docs) - 1]),
		"docs": docs,
	}
}

# window(b) is the baseline as it reads in an alert.
window(b) := sprintf("the %d earlier snapshot%s from %s to %s", [b.snapshots, _plural(b.snapshots), b.from, b.to])

# stated(b) is the baseline as alert evidence states it (without the documents).
stated(b) := object.remove(b, ["docs"])

_plural(1) := ""

_plural(n) := "s" if n != 1
