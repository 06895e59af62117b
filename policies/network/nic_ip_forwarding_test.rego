package posture.network.nic_ip_forwarding

mk_nic(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/networkInterfaces/nic-1",
	"type": "Microsoft.Network/networkInterfaces",
	"name": "nic-1",
	"properties": props,
}

test_forwarding_enabled_is_unhealthy if {
	findings := deny with input as {"resources": [mk_nic({"enableIPForwarding": true})], "parameters": {}}
	count(findings) == 1
	some f in findings
	f.message == "enableIPForwarding is true: the interface forwards traffic addressed to other hosts"
}

test_forwarding_disabled_is_healthy if {
	count(deny) == 0 with input as {"resources": [mk_nic({"enableIPForwarding": false, "enableAcceleratedNetworking": true})], "parameters": {}}
}

test_absent_field_is_the_disabled_default if {
	count(deny) == 0 with input as {"resources": [mk_nic({})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [{"id": "/x/nic", "type": "Microsoft.Network/networkInterfaces"}], "parameters": {}}
}

test_string_and_key_case_variants if {
	count(deny) == 1 with input as {"resources": [mk_nic({"enableIpForwarding": "True"})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [mk_nic({"enableIPForwarding": "false"})], "parameters": {}}
}

test_flattened_az_cli_shape if {
	count(deny) == 1 with input as {"resources": [{"id": "/x/nic", "name": "nic", "enableIpForwarding": true, "ipConfigurations": []}], "parameters": {}}
}
