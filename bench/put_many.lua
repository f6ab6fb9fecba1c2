-- wrk script: PUT /v1/integrator/webhook-secret for many integrators, as an
-- operator's service key does (KEY: a key with admin:integrators and
-- write:webhook-secret; IDS: a file of integrator ids, one a line). Each
-- thread walks the ids from its own offset, so all of them get a secret.
local ids = {}
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
local threads = 0
local next_offset = 0

function setup(thread)
  thread:set("offset", next_offset)
  next_offset = next_offset + math.floor(#ids / 2)
  threads = threads + 1
end

function init(args)
  n = offset or 0
end

function request()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  return wrk.format("PUT", "/v1/integrator/webhook-secret",
    {["Content-Type"] = "application/json",
     ["Authorization"] = "Bearer " .. os.getenv("KEY")},
    '{"secret":"whsec_rotation_bench_' .. n .. '","integratorId":"' .. id .. '"}')
end
