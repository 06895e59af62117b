# METADATA
# title: Storage accounts should require TLS 1.2 or later
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses, and an account that still accepts them lets a
#   downgraded client expose data and shared keys. The account is unhealthy when
#   `properties.minimumTlsVersion` is below the parameter `minimum` (default TLS1_2) or is
#   not a recognised TLS version; spellings such as TLS1_0, TLS1_1, TLS1_2, TLS1_3, 1.2 and
#   Tls12 are all understood. An absent field is unhealthy too: accounts created before the
#   setting existed, and API versions that omit it, accept TLS 1.0. A `minimum` parameter
#   that is not a TLS version marks every account unhealthy with a message saying so.
# scope: package
# custom:
#   id: storage-minimum-tls
#   per_resource: true
#   severity: Medium
#   control: encrypt-data-in-transit
#   resource_types: [Microsoft.Storage/storageAccounts]
#   parameters:
#     minimum: TLS1_2
#   remediation: |-
#     1. Check that every client of the account (SDKs, AzCopy, Storage Explorer, applications) supports TLS 1.2.
#     2. In the Azure portal open the storage account and select Configuration.
#     3. Set "Minimum TLS version" to Version 1.2 and save.
#   quick_fix:
#     bash: az storage account update --ids {{resource.id}} --min-tls-version {{fix.minimum}}
#     powershell: Set-AzStorageAccount -ResourceGroupName {{resource.group}} -Name {{resource.name}} -MinimumTlsVersion {{fix.minimum}}
#   threats: [Data exfiltration, Threat resistance]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [MCSB DP-3, CIS Azure 3.15, Azure Policy fe83a0eb-a853-422d-aac2-1bffd182c5d0]
package posture.storage.minimum_tls

import data.posture.lib.tls

_minimum := tls.normalize(input.parameters.minimum)

# The spelling the storage API and CLI expect: "1.2" -> "TLS1_2".
_arm_spelling := concat("", ["TLS", replace(_minimum, ".", "_")])

deny contains {"resource": r.id, "message": msg, "fix": {"minimum": _arm_spelling}} if {
	some r in input.resources
	v := object.get(r, ["properties", "minimumTlsVersion"], null)
	reason := _weak(v)
	msg := sprintf("minimumTlsVersion %s: the account accepts TLS versions below %s", [reason, _arm_spelling])
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	not _minimum
	msg := sprintf("cannot assess: parameter minimum %v is not a TLS version", [object.get(input.parameters, "minimum", null)])
}

# One rule with else branches (the cases exclude each other): every definition of a
# multi-definition function runs on each call. _minimum is normalised already.
_weak(v) := "is absent" if v == null

else := sprintf("is %v", [v]) if tls.normalize(v) < _minimum

else := sprintf("%v is not a recognised TLS version", [v]) if not tls.normalize(v)
