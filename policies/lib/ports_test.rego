package posture.lib.ports

test_ranges_of_single_ports_ranges_and_wildcards if {
	ranges("22") == {[22, 22]}
	ranges(3389) == {[3389, 3389]}
	ranges("22-3389") == {[22, 3389]}
	ranges(" 1000 - 2000 ") == {[1000, 2000]}
	ranges("*") == {[0, 65535]}
	ranges("Any") == {[0, 65535]}
	ranges("0-65535") == {[0, 65535]}
}

test_ranges_of_lists_and_comma_strings if {
	ranges(["22", "3389", "5985-5986"]) == {[22, 22], [3389, 3389], [5985, 5986]}
	ranges("80,443") == {[80, 80], [443, 443]}
}

test_reversed_range_is_normalised if {
	ranges("3389-22") == {[22, 3389]}
}

test_invalid_specifications_cover_nothing if {
	ranges(null) == set()
	ranges([]) == set()
	ranges("ssh") == set()
	ranges("-1") == set()
	ranges("70000") == set()
	ranges("1-2-3") == set()
	ranges(22.5) == set()
	ranges(-5) == set()
	ranges({"port": 22}) == set()
}

test_covers if {
	covers({[20, 25]}, 22)
	covers({[0, 65535]}, 5986)
	covers({[22, 22], [80, 80]}, 80)
	not covers({[20, 21], [23, 24]}, 22)
	not covers(set(), 22)
}

test_first_outside if {
	first_outside({[0, 65535]}, {[22, 22], [80, 80], [443, 443]}) == 0
	first_outside({[20, 25]}, {[20, 21]}) == 22
	first_outside({[22, 22], [80, 80], [8080, 8080]}, {[22, 22], [80, 80]}) == 8080
	first_outside({[79, 81]}, {[79, 79], [81, 81]}) == 80
	not first_outside({[80, 80], [443, 443]}, {[80, 80], [443, 443]})
	not first_outside({[1000, 2000]}, {[0, 65535]})
	not first_outside(set(), {[1, 1]})
}

test_describe if {
	describe({[0, 65535]}) == "*"
	describe({[3389, 3389], [22, 22], [1000, 2000]}) == "22, 1000-2000, 3389"
	describe(set()) == ""
}

test_protocol_normalisation if {
	protocol("Tcp") == "tcp"
	protocol("TCP") == "tcp"
	protocol("*") == "*"
	protocol("Any") == "*"
	protocol(null) == "*"
	protocol("") == "*"
	protocol("Icmp") == "icmp"
}

test_protocol_covers if {
	protocol_covers("*", "tcp")
	protocol_covers("tcp", "tcp")
	not protocol_covers("udp", "tcp")
	not protocol_covers("icmp", "udp")
}

test_port_name if {
	port_name(22) == "22 (SSH)"
	port_name(5986) == "5986 (WinRM over HTTPS)"
	port_name(8080) == "8080"
}

test_web_and_management_ports if {
	web == {80, 443}
	object.keys(management) == {22, 3389, 5985, 5986}
}
