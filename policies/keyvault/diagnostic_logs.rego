# METADATA
# title: Diagnostic logs in Key Vault should be enabled
# description: >-
#   Without the AuditEvent log there is no record of who read which secret or used which
#   key, so misuse of a stolen credential cannot be detected or investigated. The vault is
#   unhealthy unless a Microsoft.Insights/diagnosticSettings resource of the inventory
#   whose id starts with `<vault id>/providers/microsoft.insights/diagnosticSettings/`
#   (compared case-insensitively) enables logs - an entry of `properties.logs[]` with
#   `enabled` true (boolean or string), for a category (AuditEvent) or a category group
#   (audit, allLogs). An entry for a category group whose `enabled` is absent counts as
#   enabled (naming the group is the intent to collect it); enabled false never counts. Metrics
#   alone do not count. No diagnostic setting in the inventory means logging is off.
# scope: package
# custom:
#   id: keyvault-diagnostic-logs
#   per_resource: true
#   severity: Low
#   control: enable-auditing-and-logging
#   resource_types: [Microsoft.KeyVault/vaults]
#   remediation: |-
#     1. Choose a destination - a Log Analytics workspace (for queries and alerts), a storage account (for long retention) or an event hub (for a SIEM).
#     2. In the Azure portal open the key vault, select Diagnostic settings and "Add diagnostic setting".
#     3. Select the "audit" category group (or AuditEvent), the destination, and save.
#   threats: [Malicious insider, Data exfiltration]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB LT-3, CIS Azure 5.1.5, Azure Policy cf820ca0-f99e-4f3e-84fb-66e913812d21]
package posture.keyvault.diagnostic_logs

import data.posture.lib.util

# The diagnostic settings attached to a resource (extension resources beneath it).
_settings(r) := {s |
	some [_, s] in util.children_at(r.id, "/providers/microsoft.insights/diagnosticsettings/")
	util.type_is(s, "Microsoft.Insights/diagnosticSettings")
}

_logs_enabled(s) if {
	some entry in util.list(object.get(util.props(s), "logs", []))
	_entry_enabled(entry)
}

_entry_enabled(entry) if util.is_true(entry.enabled)

_entry_enabled(entry) if {
	is_string(entry.categoryGroup)
	object.get(entry, "enabled", null) == null
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	settings := _settings(r)
	not _any_enabled(settings)
	msg := _message(settings)
}

_any_enabled(settings) if {
	some s in settings
	_logs_enabled(s)
}

_message(settings) := "no diagnostic setting sends the vault's logs anywhere" if count(settings) == 0

_message(settings) := sprintf("diagnostic settings %s enable no logs (metrics only or all log categories off)", [concat(", ", sort([util.name_of(s) | some s in settings]))]) if count(settings) > 0
