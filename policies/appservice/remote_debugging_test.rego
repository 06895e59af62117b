package posture.appservice.remote_debugging

site_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Web/sites/app1"

site(site_config) := {"id": site_id, "type": "Microsoft.Web/sites", "name": "app1", "properties": {"siteConfig": site_config}}

config(props) := {"id": concat("", [site_id, "/config/web"]), "type": "Microsoft.Web/sites/config", "properties": props}

index(list) := {lower(r.id): r | some r in list}

test_remote_debugging_on_is_unhealthy if {
	findings := deny with input as {"resources": [site({"remoteDebuggingEnabled": true, "remoteDebuggingVersion": "VS2022"})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "VS2022")
}

test_remote_debugging_off_is_healthy if {
	count(deny) == 0 with input as {"resources": [site({"remoteDebuggingEnabled": false})], "parameters": {}}
}

test_absent_is_healthy if {
	count(deny) == 0 with input as {"resources": [site({})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [{"id": site_id, "type": "Microsoft.Web/sites"}], "parameters": {}}
}

test_config_child_wins if {
	count(deny) == 1 with input as {"resources": [site({"remoteDebuggingEnabled": false})], "parameters": {}}
		with data.posture.resources as index([config({"remoteDebuggingEnabled": true})])
	count(deny) == 0 with input as {"resources": [site({"remoteDebuggingEnabled": true})], "parameters": {}}
		with data.posture.resources as index([config({"remoteDebuggingEnabled": false})])
}

test_string_and_case_variants if {
	odd := {"id": upper(site_id), "type": "MICROSOFT.WEB/sites", "properties": {}}
	count(deny) == 1 with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index([config({"remoteDebuggingEnabled": "True"})])
	count(deny) == 0 with input as {"resources": [site({"remoteDebuggingEnabled": "false"})], "parameters": {}}
}
