# METADATA
# title: App Service apps should only be accessible over HTTPS
# description: >-
#   Web, API and function apps that answer plain HTTP send cookies, tokens and content in
#   clear text. The app (`Microsoft.Web/sites`, any kind) is unhealthy when
#   `properties.httpsOnly` is not true (boolean or string). An absent field is unhealthy:
#   the platform default is false, so HTTP is served unless someone turned it off.
# scope: package
# custom:
#   id: appservice-https-only
#   per_resource: true
#   severity: Medium
#   control: encrypt-data-in-transit
#   resource_types: [Microsoft.Web/sites]
#   remediation: |-
#     1. Make sure every custom domain of the app has a TLS certificate binding.
#     2. In the Azure portal open the app and select Settings > Configuration > General settings.
#     3. Set "HTTPS Only" to On and save; HTTP requests are then redirected to HTTPS.
#   quick_fix:
#     bash: az webapp update --resource-group {{resource.group}} --name {{resource.name}} --https-only true
#     powershell: Set-AzWebApp -ResourceGroupName {{resource.group}} -Name {{resource.name}} -HttpsOnly $true
#   threats: [Data exfiltration, Account breach]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB DP-3, CIS Azure 9.2]
package posture.appservice.https_only

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	v := object.get(r, ["properties", "httpsOnly"], null)
	not util.is_true(v)
	msg := sprintf("httpsOnly is %v: the app also answers plain HTTP", [_shown(v)])
}

_shown(null) := "absent (false by default)"

_shown(v) := v if v != null
