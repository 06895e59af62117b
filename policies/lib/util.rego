# Helpers for the messy values of real ARM data: booleans that arrive as strings, case
# differences, absent fields. No METADATA block: this is a library, not a policy.
package posture.lib.util

# is_false(v) holds for false, "false", "False", "disabled", "Disabled".
is_false(v) if v == false

is_false(v) if {
	is_string(v)
	lower(v) in {"false", "disabled"}
}

# is_true(v) holds for true, "true", "True", "enabled", "Enabled".
is_true(v) if v == true

is_true(v) if {
	is_string(v)
	lower(v) in {"true", "enabled"}
}

# type_is(r, t) compares ARM types case-insensitively.
type_is(r, t) if lc(r.type) == lower(t)

# same_id(a, b) compares ARM ids case-insensitively.
same_id(a, b) if lower(a) == lower(b)

# lc(v) is v trimmed and lower-cased when it is a string, else "" (never an error, so
# a number or null where a string belongs does not abort the evaluation).
lc(v) := lower(trim_space(v)) if is_string(v)

else := ""

# int(v) is v as a number when it is a number or a string of digits; undefined otherwise.
int(v) := v if is_number(v)

int(v) := to_number(digits) if {
	is_string(v)
	regex.match(`^[0-9]{1,9}$`, trim_space(v))
	# to_number rejects leading zeros ("007") and aborts the whole evaluation, so drop them.
	stripped := trim_left(trim_space(v), "0")
	digits := _nonempty(stripped)
}

_nonempty(s) := s if s != ""

_nonempty(s) := "0" if s == ""

# list(v) is v as an array: arrays as they are, sets sorted, null as [], anything else [v].
list(v) := v if is_array(v)

list(v) := sort(v) if is_set(v)

list(v) := [] if v == null

list(v) := [v] if {
	not is_array(v)
	not is_set(v)
	v != null
}

# props(x) is x.properties when that is an object (the ARM shape), else x itself (the
# flattened shape of az CLI output and of some exports).
props(x) := p if {
	p := x.properties
	is_object(p)
} else := x

# resource(id) looks a resource up in data.posture.resources by id, case-insensitively.
resource(id) := data.posture.resources[lower(id)] if is_string(id)

# ref_id(x) is the lower-cased id of a reference ({"id": ...}); undefined when absent/empty.
ref_id(x) := lower(x.id) if {
	is_string(x.id)
	x.id != ""
}

# parent_of(id, segment) is the lower-cased id in front of "/<segment>/" in a child id,
# e.g. parent_of(".../virtualMachines/vm1/extensions/ade", "extensions") is ".../virtualmachines/vm1".
parent_of(id, segment) := p if {
	parts := split(lower(id), concat("", ["/", lower(segment), "/"]))
	count(parts) == 2
	p := parts[0]
}

# extensions[vm_id] is the set of VM extensions of a machine (key: lower-cased VM id), from
# Microsoft.Compute/virtualMachines/extensions resources of the inventory. Extensions given
# inline in the VM's `resources[]` are added by vm_extensions(vm).
extensions[vm] contains ext if {
	some key, ext in data.posture.resources
	type_is(ext, "Microsoft.Compute/virtualMachines/extensions")
	vm := parent_of(key, "extensions")
}

# vm_extensions(vm) is every extension of a VM: separate resources plus inline `resources[]`.
# (extensions is read inside a comprehension: regorus leaves a multi-value rule without any
# value undefined rather than empty.)
vm_extensions(vm) := {e | some e in extensions[lc(vm.id)]} | {e |
	some e in list(object.get(vm, "resources", []))
	is_object(e)
}

# extension_type(ext) is the lower-cased extension type: `properties.type` (ARM shape), the
# az CLI's flattened `typePropertiesType`, else the last segment of the extension's name
# (extensions are usually named after their type).
extension_type(ext) := t if {
	t := lc(ext.properties.type)
	t != ""
} else := t if {
	t := lc(ext.typePropertiesType)
	t != ""
} else := t if {
	parts := split(lc(ext.name), "/")
	t := parts[count(parts) - 1]
	t != ""
}

# extension_failed(ext) holds when the extension's provisioningState is Failed: it exists
# but does not do its job.
extension_failed(ext) if lc(props(ext).provisioningState) == "failed"

# last_segment(id) is the part of an id after its last "/" (a resource's own name).
last_segment(id) := parts[count(parts) - 1] if {
	is_string(id)
	parts := split(id, "/")
}

# name_of(r) is the resource's name, else the last segment of its id.
name_of(r) := r.name if is_string(r.name)

else := last_segment(r.id)

# group_of(r) is the resource group of a resource: `resourceGroup`, else taken from its id.
group_of(r) := r.resourceGroup if is_string(r.resourceGroup)

else := g if {
	is_string(r.id)
	parts := split(r.id, "/")
	at := [i | some i, part in parts; lower(part) == "resourcegroups"]
	g := parts[at[0] + 1]
}
