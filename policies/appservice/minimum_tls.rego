# METADATA
# title: App Service apps should require TLS 1.2 or later
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses and are rejected by current compliance standards.
#   The app is unhealthy when `minTlsVersion` is below the parameter `minimum` (default
#   1.2) or is not a recognised TLS version. The value is read from the app's
#   `Microsoft.Web/sites/config` child `<site id>/config/web` when the inventory has it (it
#   is authoritative), else from `properties.siteConfig` of the site (list responses often
#   return null there). When neither gives a value the app is healthy: the platform default
#   is 1.2 for every app. A `minimum` parameter that is not a TLS version marks every app
#   unhealthy with a message saying so.
# scope: package
# custom:
#   id: appservice-minimum-tls
#   per_resource: true
#   severity: Medium
#   control: encrypt-data-in-transit
#   resource_types: [Microsoft.Web/sites]
#   parameters:
#     minimum: "1.2"
#   remediation: |-
#     1. Check that the app's clients support TLS 1.2.
#     2. In the Azure portal open the app and select Settings > Configuration > General settings.
#     3. Set "Minimum inbound TLS version" to 1.2 (or later) and save.
#   quick_fix:
#     bash: az webapp config set --resource-group {{resource.group}} --name {{resource.name}} --min-tls-version {{fix.minimum}}
#     powershell: Set-AzWebApp -ResourceGroupName {{resource.group}} -Name {{resource.name}} -MinTlsVersion {{fix.minimum}}
#   threats: [Data exfiltration, Threat resistance]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB DP-3, CIS Azure 9.3]
package posture.appservice.minimum_tls

import data.posture.lib.tls

_minimum := tls.normalize(input.parameters.minimum)

deny contains {"resource": r.id, "message": msg, "fix": {"minimum": _minimum}} if {
	some r in input.resources
	v := _setting(r, "minTlsVersion")
	tls.below(v, _minimum)
	msg := sprintf("minTlsVersion is %v: the app accepts TLS versions below %s", [v, _minimum])
}

deny contains {"resource": r.id, "message": msg, "fix": {"minimum": _minimum}} if {
	some r in input.resources
	v := _setting(r, "minTlsVersion")
	v != null
	not tls.normalize(v)
	msg := sprintf("minTlsVersion %v is not a recognised TLS version", [v])
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	not _minimum
	msg := sprintf("cannot assess: parameter minimum %v is not a TLS version", [object.get(input.parameters, "minimum", null)])
}

# A siteConfig field: the config/web child wins over the site's siteConfig; null if neither.
_setting(site, field) := v if {
	v := data.posture.resources[concat("", [lower(site.id), "/config/web"])].properties[field]
	v != null
} else := object.get(site, ["properties", "siteConfig", field], null)
