package posture.network.vnet_ddos_protection

mk_vnet(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub",
	"type": "Microsoft.Network/virtualNetworks",
	"name": "vnet-hub",
	"properties": props,
}

test_ddos_disabled_is_unhealthy if {
	findings := deny with input as {"resources": [mk_vnet({"enableDdosProtection": false})], "parameters": {}}
	count(findings) == 1
	some f in findings
	f.message == "enableDdosProtection is false: only the basic infrastructure protection applies"
}

test_ddos_enabled_is_healthy if {
	props := {"enableDdosProtection": true, "ddosProtectionPlan": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/ddosProtectionPlans/ddos-plan"}}
	count(deny) == 0 with input as {"resources": [mk_vnet(props)], "parameters": {}}
}

test_absent_field_is_unhealthy if {
	findings := deny with input as {"resources": [mk_vnet({})], "parameters": {}}
	some f in findings
	contains(f.message, "absent (false)")
}

test_plan_linked_but_disabled if {
	props := {"enableDdosProtection": "False", "ddosProtectionPlan": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/ddosProtectionPlans/ddos-plan"}}
	findings := deny with input as {"resources": [mk_vnet(props)], "parameters": {}}
	some f in findings
	contains(f.message, "although plan ddos-plan is linked")
}

test_string_and_case_variants if {
	count(deny) == 0 with input as {"resources": [mk_vnet({"enableDdosProtection": "TRUE"})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [{"id": "/x/vnet", "type": "microsoft.network/virtualnetworks", "enableDdosProtection": true}], "parameters": {}}
}
