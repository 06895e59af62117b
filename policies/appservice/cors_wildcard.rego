# METADATA
# title: CORS should not allow every origin to access App Service apps
# description: >-
#   A CORS allowed origin of `*` lets scripts on any web site call the app from a victim's
#   browser and read the responses. The app is unhealthy when `cors.allowedOrigins`
#   contains `*` (surrounding spaces ignored). The value is read from the
#   `<site id>/config/web` child when the inventory has it, else from
#   `properties.siteConfig` of the site. Absent or empty allowed origins are healthy: no
#   cross-origin access is granted by default.
# scope: package
# custom:
#   id: appservice-cors-wildcard
#   per_resource: true
#   severity: Low
#   control: restrict-unauthorized-network-access
#   resource_types: [Microsoft.Web/sites]
#   remediation: |-
#     1. List the origins (scheme and host) that legitimately call the app from a browser.
#     2. In the Azure portal open the app and select API > CORS.
#     3. Remove `*`, add the specific origins and save.
#   quick_fix:
#     bash: az webapp cors remove --resource-group {{resource.group}} --name {{resource.name}} --allowed-origins "*"
#   threats: [Data exfiltration, Account breach]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [MCSB PV-2]
package posture.appservice.cors_wildcard

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	cors := _setting(r, "cors")
	is_object(cors)
	origins := object.get(cors, "allowedOrigins", [])
	some o in _list(origins)
	trim_space(o) == "*"
	msg := sprintf("CORS allowedOrigins %v contains *: any web site can call the app from a user's browser", [origins])
}

_list(v) := [s | some s in v; is_string(s)] if is_array(v)

_list(v) := split(v, ",") if is_string(v)

# A siteConfig field: the config/web child wins over the site's siteConfig; null if neither.
_setting(site, field) := v if {
	v := data.posture.resources[concat("", [lower(site.id), "/config/web"])].properties[field]
	v != null
} else := object.get(site, ["properties", "siteConfig", field], null)
