# METADATA
# title: FTPS only should be required in App Service apps
# description: >-
#   Plain FTP sends the deployment credentials and the files of the app in clear text. The
#   app is unhealthy when `ftpsState` is AllAllowed (any case). The value is read from the
#   `<site id>/config/web` child when the inventory has it, else from
#   `properties.siteConfig` of the site. FtpsOnly and Disabled are healthy. When neither
#   gives a value the app is healthy here because there is no evidence of plain FTP
#   (Resource Graph exports of sites omit the setting); export the config/web child to
#   assess such apps.
# scope: package
# custom:
#   id: appservice-ftps
#   per_resource: true
#   severity: Medium
#   control: encrypt-data-in-transit
#   resource_types: [Microsoft.Web/sites]
#   remediation: |-
#     1. In the Azure portal open the app and select Settings > Configuration > General settings.
#     2. Set "FTP state" to "FTPS only", or to "Disabled" if nobody deploys over FTP, and save.
#     3. Update deployment tools that still use ftp:// to ftps://.
#   quick_fix:
#     bash: az webapp config set --resource-group {{resource.group}} --name {{resource.name}} --ftps-state FtpsOnly
#     powershell: Set-AzWebApp -ResourceGroupName {{resource.group}} -Name {{resource.name}} -FtpsState FtpsOnly
#   threats: [Data exfiltration, Account breach]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB DP-3, CIS Azure 9.10]
package posture.appservice.ftps

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	v := _setting(r, "ftpsState")
	is_string(v)
	lower(trim_space(v)) == "allallowed"
	msg := sprintf("ftpsState is %v: the app accepts plain FTP, which sends credentials in clear text", [v])
}

# A siteConfig field: the config/web child wins over the site's siteConfig; null if neither.
_setting(site, field) := v if {
	v := data.posture.resources[concat("", [lower(site.id), "/config/web"])].properties[field]
	v != null
} else := object.get(site, ["properties", "siteConfig", field], null)
