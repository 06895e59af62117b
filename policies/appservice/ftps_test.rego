package posture.appservice.ftps

site_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Web/sites/app1"

site(site_config) := {"id": site_id, "type": "Microsoft.Web/sites", "name": "app1", "properties": {"siteConfig": site_config}}

config(props) := {"id": concat("", [site_id, "/config/web"]), "type": "Microsoft.Web/sites/config", "properties": props}

index(list) := {lower(r.id): r | some r in list}

test_all_allowed_is_unhealthy if {
	findings := deny with input as {"resources": [site({"ftpsState": "AllAllowed"})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "AllAllowed")
}

test_ftps_only_and_disabled_are_healthy if {
	count(deny) == 0 with input as {"resources": [site({"ftpsState": "FtpsOnly"})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [site({"ftpsState": "Disabled"})], "parameters": {}}
}

test_absent_is_healthy if {
	count(deny) == 0 with input as {"resources": [site({})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [site({"ftpsState": null})], "parameters": {}}
}

test_config_child_wins if {
	count(deny) == 1 with input as {"resources": [site({"ftpsState": "FtpsOnly"})], "parameters": {}}
		with data.posture.resources as index([config({"ftpsState": "AllAllowed"})])
	count(deny) == 0 with input as {"resources": [site({"ftpsState": "AllAllowed"})], "parameters": {}}
		with data.posture.resources as index([config({"ftpsState": "Disabled"})])
}

test_case_variants if {
	odd := {"id": upper(site_id), "type": "MICROSOFT.WEB/SITES"}
	count(deny) == 1 with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index([config({"ftpsState": "allallowed"})])
}
