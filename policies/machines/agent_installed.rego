# METADATA
# title: An agent should report from every virtual machine
# description: >-
#   Updates, endpoint protection and the OS baseline of a machine can only be assessed from
#   inside it: without a snapshot from the host agent those recommendations are blind for
#   the machine. A virtual machine of the inventory is unhealthy when no agent snapshot is
#   attached to it, that is no snapshot's `host.resourceId` names the VM's id (compared
#   case-insensitively). Machines outside Azure (Microsoft.HybridCompute/machines) exist
#   in the assessment only because a snapshot describes them, so they are always healthy.
#   The reference service's counterpart is "Log Analytics agent should be installed on
#   virtual machines" (now the Azure Monitor agent or Defender for Endpoint sensor).
# scope: package
# custom:
#   id: machine-agent-installed
#   per_resource: true
#   severity: High
#   control: apply-system-updates
#   resource_types: [Microsoft.Compute/virtualMachines, Microsoft.HybridCompute/machines]
#   remediation: |-
#     1. Run the collector on the machine as root (Linux) or an administrator (Windows), for example with az vm run-command invoke, and copy the snapshot it writes into the agents folder given to posture assess.
#     2. Check that the snapshot's host.resourceId is the VM's full resource id; on Azure the collector reads it from the instance metadata service, elsewhere set it by hand.
#     3. Schedule the collection (cron, systemd timer or a scheduled task) so that snapshots stay fresher than the machine-agent-health limit.
#   threats: [Threat resistance, Elevation of privilege]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB LT-3, MCSB PV-6]
package posture.machines.agent_installed

import data.posture.lib.agent

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	agent.is_vm(r)
	not agent.has_agent(r)
	msg := "no agent snapshot names this virtual machine in host.resourceId: its updates, endpoint protection and OS configuration are not assessed"
}
