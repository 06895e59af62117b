package posture.appservice.minimum_tls

site_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Web/sites/app1"

site(site_config) := {
	"id": site_id,
	"type": "Microsoft.Web/sites",
	"name": "app1",
	"properties": {"siteConfig": site_config},
}

config(props) := {
	"id": concat("", [site_id, "/config/web"]),
	"type": "Microsoft.Web/sites/config",
	"name": "web",
	"properties": props,
}

index(list) := {lower(r.id): r | some r in list}

params := {"minimum": "1.2"}

test_old_tls_is_unhealthy if {
	findings := deny with input as {"resources": [site({"minTlsVersion": "1.0"})], "parameters": params}
	count(findings) == 1
	some f in findings
	contains(f.message, "minTlsVersion is 1.0")
	f.fix.minimum == "1.2"
}

test_tls12_is_healthy if {
	count(deny) == 0 with input as {"resources": [site({"minTlsVersion": "1.2"})], "parameters": params}
	count(deny) == 0 with input as {"resources": [site({"minTlsVersion": "1.3"})], "parameters": params}
}

test_config_child_wins_over_site if {
	count(deny) == 1 with input as {"resources": [site({"minTlsVersion": "1.2"})], "parameters": params}
		with data.posture.resources as index([config({"minTlsVersion": "1.1"})])
	count(deny) == 0 with input as {"resources": [site({"minTlsVersion": "1.0"})], "parameters": params}
		with data.posture.resources as index([config({"minTlsVersion": "1.2"})])
}

test_null_in_config_child_falls_back_to_site if {
	count(deny) == 1 with input as {"resources": [site({"minTlsVersion": "1.1"})], "parameters": params}
		with data.posture.resources as index([config({"minTlsVersion": null})])
}

test_absent_everywhere_is_the_secure_default if {
	count(deny) == 0 with input as {"resources": [site({})], "parameters": params}
	count(deny) == 0 with input as {"resources": [site(null)], "parameters": params}
		with data.posture.resources as index([config({})])
}

test_unrecognised_value_is_unhealthy if {
	findings := deny with input as {"resources": [site({"minTlsVersion": "SSL3"})], "parameters": params}
	count(findings) == 1
	some f in findings
	contains(f.message, "not a recognised")
}

test_spelling_and_case_variants if {
	odd := {"id": upper(site_id), "type": "microsoft.web/sites", "properties": {}}
	count(deny) == 1 with input as {"resources": [odd], "parameters": params}
		with data.posture.resources as index([config({"minTlsVersion": "TLS1_1"})])
	count(deny) == 0 with input as {"resources": [site({"minTlsVersion": "Tls12"})], "parameters": {"minimum": "TLS1_2"}}
}

test_bad_parameter_is_reported if {
	findings := deny with input as {"resources": [site({"minTlsVersion": "1.2"})], "parameters": {"minimum": "strong"}}
	count(findings) == 1
	some f in findings
	contains(f.message, "parameter minimum strong")
}
