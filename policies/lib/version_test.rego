package posture.lib.version

test_normalize if {
	normalize("1.29") == "1.29.0"
	normalize("1.29.7") == "1.29.7"
	normalize("v1.30.0") == "1.30.0"
	normalize(" 1.029.07 ") == "1.29.7"
	normalize("1.28.3-hotfix.20240102") == "1.28.3"
	normalize("1.31.1+build.5") == "1.31.1"
}

# Policies compare a normalised version with a normalised minimum directly.
test_normalize_is_idempotent if {
	every v in ["1.29", " 1.029.07 ", "v1.30.0", "1.28.3-hotfix.20240102", "0.0", "v00.010.0200"] {
		normalize(normalize(v)) == normalize(v)
	}
}

test_normalize_rejects_other_values if {
	not normalize("1")
	not normalize("latest")
	not normalize("1.29.x")
	not normalize(1.29)
	not normalize(null)
	not is_version("")
	is_version("1.30")
}

test_compare if {
	compare("1.29", "1.29.0") == 0
	compare("1.29.7", "1.30") == -1
	compare("1.31.1", "1.30.9") == 1
	compare("1.9.0", "1.10.0") == -1
	not compare("abc", "1.0.0")
	below("1.29.7", "1.30.0")
	not below("1.30", "1.30.0")
	not below("1.31.2", "1.30.0")
	not below("nonsense", "1.30.0")
	not below("1.29.0", "nonsense")
}
