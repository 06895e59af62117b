# METADATA
# title: Remote debugging should be turned off for App Service apps
# description: >-
#   Remote debugging opens inbound debugger ports on the app's workers and lets whoever
#   holds publishing credentials attach to the running process. The app is unhealthy when
#   `remoteDebuggingEnabled` is true (boolean or string). The value is read from the
#   `<site id>/config/web` child when the inventory has it, else from
#   `properties.siteConfig` of the site. Absent everywhere is healthy: remote debugging is
#   off by default and switches itself off after 48 hours when turned on from the portal.
# scope: package
# custom:
#   id: appservice-remote-debugging
#   per_resource: true
#   severity: Low
#   control: restrict-unauthorized-network-access
#   resource_types: [Microsoft.Web/sites]
#   remediation: |-
#     1. In the Azure portal open the app and select Settings > Configuration > General settings.
#     2. Set "Remote debugging" to Off and save.
#   quick_fix:
#     bash: az webapp config set --resource-group {{resource.group}} --name {{resource.name}} --remote-debugging-enabled false
#   threats: [Elevation of privilege, Account breach]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB PV-2]
package posture.appservice.remote_debugging

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	v := _setting(r, "remoteDebuggingEnabled")
	util.is_true(v)
	version := _setting(r, "remoteDebuggingVersion")
	msg := sprintf("remoteDebuggingEnabled is %v (debugger version %v): the app accepts remote debugger connections", [v, version])
}

# A siteConfig field: the config/web child wins over the site's siteConfig; null if neither.
_setting(site, field) := v if {
	v := data.posture.resources[concat("", [lower(site.id), "/config/web"])].properties[field]
	v != null
} else := object.get(site, ["properties", "siteConfig", field], null)
