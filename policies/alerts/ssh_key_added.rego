# METADATA
# title: New SSH key added
# description: >-
#   A public key that was not in an account's authorized_keys in the previous snapshot is
#   there now: a new way to log in without a password, which attackers add to keep access.
#   Keys are compared by their SHA256 fingerprint per account, against the newest earlier
#   snapshot of the machine (history from --history or older snapshots given to the
#   assessment). Without history, or when either snapshot could not read the keys, nothing
#   is compared and nothing is raised.
# scope: package
# custom:
#   id: linux-ssh-key-added
#   kind: alert
#   alert_type: linux-ssh-key-added
#   severity: Low
#   tactics: [Persistence]
#   techniques: [T1098.004]
#   remediation: |-
#     1. Confirm with the account's owner that they added the key (its comment and type are in the alert).
#     2. If nobody did, remove the key, rotate the account's credentials and look for how it was written (logins and sudo use before the snapshot).
#     3. Manage authorized_keys through configuration management so unexpected changes stand out.
package posture.alerts.ssh_key_added

import data.posture.lib.alerts as lib

_path := ["events", "authorizedKeys"]

alerts contains a if {
	some m in input.machines
	prev := lib.previous(m)
	lib.known(prev, _path)
	lib.known(lib.snapshot(m), _path)
	before := {_id(k) | some k in lib.at(prev, _path)}
	some k in lib.items(m, _path)
	not _id(k) in before
	since := lib.collected(prev)
	now := lib.collected(lib.snapshot(m))
	a := {
		"machine": m.id,
		"message": sprintf("new SSH key %s %s (%s) for %s in %s since the snapshot of %s", [lib.str(k, "type"), lib.str(k, "fingerprint"), lib.str(k, "comment"), lib.str(k, "user"), lib.str(k, "path"), since]),
		"start": since,
		"end": now,
		"entities": {"account": lib.str(k, "user"), "fingerprint": lib.str(k, "fingerprint"), "keyType": lib.str(k, "type"), "comment": lib.str(k, "comment"), "path": lib.str(k, "path")},
		"evidence": [{"previousSnapshot": since, "key": k}],
		"key": concat("|", [lower(lib.str(k, "user")), lib.str(k, "fingerprint")]),
	}
}

# A key is its account and fingerprint; a key without a fingerprint (bad base64) is its
# account, type and comment.
_id(k) := [lower(lib.str(k, "user")), k.fingerprint] if is_string(k.fingerprint)

else := [lower(lib.str(k, "user")), lib.str(k, "type"), lib.str(k, "comment")]

