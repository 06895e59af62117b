package posture.appservice.cors_wildcard

site_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Web/sites/app1"

site(site_config) := {"id": site_id, "type": "Microsoft.Web/sites", "name": "app1", "properties": {"siteConfig": site_config}}

config(props) := {"id": concat("", [site_id, "/config/web"]), "type": "Microsoft.Web/sites/config", "properties": props}

index(list) := {lower(r.id): r | some r in list}

test_wildcard_is_unhealthy if {
	findings := deny with input as {"resources": [site({"cors": {"allowedOrigins": ["https://contoso.com", "*"]}})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "contains *")
}

test_specific_origins_are_healthy if {
	count(deny) == 0 with input as {"resources": [site({"cors": {"allowedOrigins": ["https://contoso.com"], "supportCredentials": false}})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [site({"cors": {"allowedOrigins": ["https://*.contoso.com"]}})], "parameters": {}}
}

test_absent_is_healthy if {
	count(deny) == 0 with input as {"resources": [site({})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [site({"cors": null})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [site({"cors": {"allowedOrigins": null}})], "parameters": {}}
}

test_config_child_and_case_variants if {
	odd := {"id": upper(site_id), "type": "microsoft.web/SITES"}
	count(deny) == 1 with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index([config({"cors": {"allowedOrigins": [" * ", 7]}})])
	count(deny) == 0 with input as {"resources": [site({"cors": {"allowedOrigins": ["*"]}})], "parameters": {}}
		with data.posture.resources as index([config({"cors": {"allowedOrigins": []}})])
}

test_comma_separated_string if {
	count(deny) == 1 with input as {"resources": [site({"cors": {"allowedOrigins": "https://a.example, *"}})], "parameters": {}}
}
