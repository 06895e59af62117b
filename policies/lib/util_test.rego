package posture.lib.util

test_is_false_variants if {
	is_false(false)
	is_false("false")
	is_false("Disabled")
	not is_false(true)
	not is_false(null)
	not is_false("enabled")
}

test_is_true_variants if {
	is_true(true)
	is_true("True")
	is_true("Enabled")
	not is_true(false)
	not is_true(null)
}

test_type_and_id_compare_case_insensitively if {
	type_is({"type": "microsoft.storage/STORAGEACCOUNTS"}, "Microsoft.Storage/storageAccounts")
	same_id("/subscriptions/A/x", "/SUBSCRIPTIONS/a/X")
}

test_type_is_tolerates_non_string_types if {
	not type_is({"type": 42}, "Microsoft.Storage/storageAccounts")
	not type_is({}, "Microsoft.Storage/storageAccounts")
}

test_lc_trims_lowers_and_tolerates_non_strings if {
	lc("  Inbound ") == "inbound"
	lc(7) == ""
	lc(null) == ""
}

test_int_accepts_numbers_and_digit_strings if {
	int(100) == 100
	int(" 4096 ") == 4096
	not int("high")
	not int("-1")
	not int(null)
	int("007") == 7
	int("000") == 0
}

test_list_normalises_shapes if {
	list([1, 2]) == [1, 2]
	list({2, 1}) == [1, 2]
	list(null) == []
	list("a") == ["a"]
}

test_props_prefers_the_arm_shape if {
	props({"properties": {"a": 1}, "a": 2}) == {"a": 1}
	props({"a": 2}) == {"a": 2}
	props({"properties": "odd", "a": 2}) == {"properties": "odd", "a": 2}
}

test_resource_looks_up_case_insensitively if {
	r := resource("/Subscriptions/S/ResourceGroups/RG/providers/X/y/Z") with data.posture.resources as {"/subscriptions/s/resourcegroups/rg/providers/x/y/z": {"name": "z"}}
	r.name == "z"
	not resource(null) with data.posture.resources as {}
}

test_ref_id if {
	ref_id({"id": "/A/B"}) == "/a/b"
	not ref_id({"id": ""})
	not ref_id({"id": null})
	not ref_id({})
	not ref_id(null)
}

test_parent_of if {
	parent_of("/x/VirtualMachines/vm1/Extensions/ade", "extensions") == "/x/virtualmachines/vm1"
	not parent_of("/x/virtualMachines/vm1", "extensions")
}

vm_id := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

ext_resources := {
	"/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1/extensions/ade": {
		"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/extensions/ADE",
		"type": "Microsoft.Compute/virtualMachines/extensions",
		"name": "ADE",
		"properties": {"type": "AzureDiskEncryption", "provisioningState": "Succeeded"},
	},
	"/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm2/extensions/mde": {
		"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm2/extensions/MDE",
		"type": "microsoft.compute/virtualmachines/extensions",
		"name": "MDE.Linux",
		"properties": {"type": "MDE.Linux"},
	},
	"/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1": {"id": vm_id, "type": "Microsoft.Compute/virtualMachines"},
}

test_vm_extensions_joins_child_resources_and_inline_resources if {
	vm := {"id": vm_id, "resources": [{"name": "IaaSAntimalware", "properties": {"type": "IaaSAntimalware"}}]}
	exts := vm_extensions(vm) with data.posture.resources as ext_resources
	{extension_type(e) | some e in exts} == {"azurediskencryption", "iaasantimalware"}
	count(vm_extensions({"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm3"})) == 0 with data.posture.resources as ext_resources
}

test_extension_type_shapes if {
	extension_type({"properties": {"type": "MDE.Windows"}}) == "mde.windows"
	extension_type({"type": "Microsoft.Compute/virtualMachines/extensions", "typePropertiesType": "IaaSAntimalware"}) == "iaasantimalware"
	extension_type({"name": "vm1/AzureDiskEncryptionForLinux"}) == "azurediskencryptionforlinux"
	not extension_type({"properties": {}})
}

test_extension_failed if {
	extension_failed({"properties": {"provisioningState": "FAILED"}})
	not extension_failed({"properties": {"provisioningState": "Succeeded"}})
	not extension_failed({"properties": {}})
}

test_last_segment if {
	last_segment("/a/b/Nic1") == "Nic1"
	not last_segment(null)
}

test_name_of if {
	name_of({"name": "n", "id": "/a/other"}) == "n"
	name_of({"id": "/a/b/nic-1"}) == "nic-1"
}

test_group_of if {
	group_of({"resourceGroup": "rg-a", "id": "/subscriptions/s/resourceGroups/other/x"}) == "rg-a"
	group_of({"id": "/subscriptions/s/RESOURCEGROUPS/Rg-B/providers/x/y/z"}) == "Rg-B"
	not group_of({"id": 5})
	not group_of({"id": "/subscriptions/s"})
}
