package posture.lib.tls

test_normalize_spellings if {
	normalize("1.2") == "1.2"
	normalize("TLS1_2") == "1.2"
	normalize("tls1_0") == "1.0"
	normalize("Tls12") == "1.2"
	normalize("TLSv1.1") == "1.1"
	normalize("TLS 1.3") == "1.3"
	normalize(" 1_2 ") == "1.2"
	normalize(1.2) == "1.2"
	normalize(1) == "1.0"
	normalize("TLS1") == "1.0"
}

test_normalize_rejects_other_values if {
	not normalize("None")
	not normalize(null)
	not normalize("")
	not normalize("SSL3")
	not normalize("2.0")
	not normalize(true)
}

test_is_none if {
	is_none("None")
	is_none(" none")
	not is_none("1.2")
	not is_none(null)
}

test_compare if {
	below("1.0", "1.2")
	below("TLS1_1", "Tls12")
	not below("1.2", "TLS1_2")
	not below("1.3", "1.2")
	not below("None", "1.2")
	at_least("1.3", "1.2")
	at_least("TLS1_2", "1.2")
	not at_least("1.1", "1.2")
	not at_least("garbage", "1.2")
}
