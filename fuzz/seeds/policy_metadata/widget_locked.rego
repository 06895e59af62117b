# METADATA
# title: Widgets should be locked
# description: A widget is unhealthy when properties.locked is not true; absent counts as unlocked.
# scope: package
# custom:
#   id: widget-locked
#   severity: High
#   control: encrypt-data-in-transit
#   resource_types: [Contoso.Test/widgets]
#   remediation: Lock the widget.
#   parameters:
#     label: locked
package fixture.widget_locked

deny contains {"resource": r.id, "message": sprintf("widget is not %s", [input.parameters.label])} if {
	some r in input.resources
	not r.properties.locked == true
}
