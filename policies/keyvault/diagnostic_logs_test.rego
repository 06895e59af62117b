package posture.keyvault.diagnostic_logs

fx_vault_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-prod"

fx_workspace := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/log-prod"

fx_vault := {"id": fx_vault_id, "type": "Microsoft.KeyVault/vaults", "name": "kv-prod", "properties": {"enableSoftDelete": true}}

mk_setting(parent, name, props) := {
	"id": concat("", [parent, "/providers/microsoft.insights/diagnosticSettings/", name]),
	"type": "Microsoft.Insights/diagnosticSettings",
	"name": name,
	"properties": object.union({"workspaceId": fx_workspace}, props),
}

mk_check(settings) := deny if {
	deny := data.posture.keyvault.diagnostic_logs.deny with input as {"resources": [fx_vault], "parameters": {}} with data.posture.resources as {lower(s.id): s | some s in settings}
}

test_no_setting_is_unhealthy if {
	findings := mk_check([])
	count(findings) == 1
	some f in findings
	f.message == "no diagnostic setting sends the vault's logs anywhere"
}

test_audit_event_category_is_healthy if {
	count(mk_check([mk_setting(fx_vault_id, "to-law", {"logs": [{"category": "AuditEvent", "enabled": true}], "metrics": [{"category": "AllMetrics", "enabled": true}]})])) == 0
}

test_category_group_is_healthy if {
	count(mk_check([mk_setting(fx_vault_id, "audit", {"logs": [{"categoryGroup": "audit", "enabled": true}]})])) == 0
	count(mk_check([mk_setting(fx_vault_id, "all", {"logs": [{"categoryGroup": "allLogs"}]})])) == 0
}

test_metrics_only_or_disabled_logs_are_unhealthy if {
	findings := mk_check([
		mk_setting(fx_vault_id, "metrics", {"logs": [], "metrics": [{"category": "AllMetrics", "enabled": true}]}),
		mk_setting(fx_vault_id, "off", {"logs": [{"category": "AuditEvent", "enabled": false}, {"categoryGroup": "audit", "enabled": false}]}),
	])
	{f.message | some f in findings} == {"diagnostic settings metrics, off enable no logs (metrics only or all log categories off)"}
}

test_missing_fields if {
	count(mk_check([mk_setting(fx_vault_id, "empty", {})])) == 1
	count(mk_check([{"id": concat("", [fx_vault_id, "/providers/microsoft.insights/diagnosticSettings/x"]), "type": "Microsoft.Insights/diagnosticSettings"}])) == 1
}

test_settings_of_other_resources_do_not_count if {
	other := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-prod-2"
	count(mk_check([mk_setting(other, "to-law", {"logs": [{"category": "AuditEvent", "enabled": true}]})])) == 1
}

test_case_variants if {
	s := object.union(
		mk_setting(upper(fx_vault_id), "to-law", {"logs": [{"category": "AuditEvent", "enabled": "True"}]}),
		{"type": "microsoft.insights/DIAGNOSTICSETTINGS"},
	)
	count(mk_check([s])) == 0
}
