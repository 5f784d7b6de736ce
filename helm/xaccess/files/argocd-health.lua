-- Argo CD health check for xaccess.io/CrossAccountAccess.
-- Install under resource.customizations.health.xaccess.io_CrossAccountAccess in argocd-cm
-- (deploy/argocd/argocd-cm-patch.yaml carries it). It reads only what the operator writes:
-- metadata.generation vs status.observedGeneration, spec.suspend, the Ready, Stalled,
-- Reconciling, ApprovalPending and Drifted conditions, and status.sessionsRevokedBefore.
--
-- An expired grant (Ready=False, reason Expired) ended on purpose: it is Suspended, as a paused
-- grant is, not Degraded; a later spec.expiresAt or spec.ttl renews it. Revoked sessions do not
-- end a grant: it stays Healthy and says since when sessions are revoked. A malformed
-- revoke-sessions-before annotation stalls the grant (RevocationInvalid): Degraded. A Manual grant
-- whose planned change waits for approval (ApprovalPending=True) is Suspended, as a paused rollout
-- waiting for promotion is: the message names the plan and how to approve it. A grant whose role,
-- bucket or key in AWS no longer holds what its stack declares and was not put back (Drifted=True:
-- spec.driftPolicy Report, or a repair AWS refused) is Degraded: someone must look, even though
-- the access still works; the message names each resource and what changed.
local hs = {}

local function condition(type)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function describe(c)
  if c == nil then
    return ""
  end
  local text = c.reason or ""
  if c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end

if obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  hs.message = "Deleting: removing the development, then the production stack"
  return hs
end

local generation = obj.metadata.generation or 0
if obj.status == nil or obj.status.observedGeneration == nil or obj.status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. generation
  return hs
end

local stalled = condition("Stalled")
local ready = condition("Ready")
local reconciling = condition("Reconciling")

-- Expired: the access is closed as the spec asked; the message says when and how to renew. Also
-- when suspended, since the end is reached even then.
if ready ~= nil and ready.status == "False" and ready.reason == "Expired" then
  hs.status = "Suspended"
  hs.message = describe(ready)
  return hs
end

-- Closing an expired grant is work in progress, even while spec.suspend is true.
local closing = ready ~= nil and ready.status == "False" and ready.reason == "Closing"

if obj.spec ~= nil and obj.spec.suspend == true and not closing then
  hs.status = "Suspended"
  hs.message = describe(reconciling)
  if ready ~= nil and ready.status == "True" then
    hs.message = hs.message .. " (last state: Ready)"
  end
  return hs
end

local approval = condition("ApprovalPending")
if approval ~= nil and approval.status == "True" and not (stalled ~= nil and stalled.status == "True") then
  hs.status = "Suspended"
  hs.message = describe(approval)
  if ready ~= nil and ready.status == "True" then
    hs.message = hs.message .. " (the deployed access stays Ready)"
  end
  return hs
end

if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled)
  return hs
end

local drifted = condition("Drifted")
if drifted ~= nil and drifted.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(drifted)
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready)
  if obj.status.sessionsRevokedBefore ~= nil and obj.status.sessionsRevokedBefore ~= "" then
    hs.message = hs.message .. "; sessions issued before " .. obj.status.sessionsRevokedBefore ..
      " are revoked"
  end
  return hs
end

hs.status = "Progressing"
if reconciling ~= nil and reconciling.status == "True" then
  hs.message = describe(reconciling)
else
  hs.message = describe(ready)
end
return hs
