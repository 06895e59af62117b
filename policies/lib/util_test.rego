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
