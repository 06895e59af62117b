package posture.appservice.https_only

site(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Web/sites/app1",
	"type": "Microsoft.Web/sites",
	"kind": "app",
	"name": "app1",
	"properties": props,
}

test_http_allowed_is_unhealthy if {
	findings := deny with input as {"resources": [site({"httpsOnly": false})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "httpsOnly is false")
}

test_https_only_is_healthy if {
	count(deny) == 0 with input as {"resources": [site({"httpsOnly": true})], "parameters": {}}
}

test_absent_field_is_unhealthy if {
	findings := deny with input as {"resources": [site({})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "absent")
}

test_string_and_case_variants if {
	odd := object.union(site({"httpsOnly": "True"}), {"type": "microsoft.web/SITES", "kind": "functionapp,linux"})
	count(deny) == 0 with input as {"resources": [odd], "parameters": {}}
	count(deny) == 1 with input as {"resources": [site({"httpsOnly": "false"})], "parameters": {}}
}
