-- wrk script for scripts/bench: POSTs urlencoded comment forms, one per
-- line of the file named by BENCH_BODIES, cycling from a different start
-- in each thread. Adds a per-request author and e-mail so WordPress's own
-- duplicate check sees distinct commenters. With BENCH_COUNT_STATUS=1 it
-- counts answers by status class (costs wrk some CPU; off for throughput).
-- done() prints one line "BENCH_JSON {...}" that tests/bench reads.

-- With BENCH_MULTIPART=1 each form goes as multipart/form-data, as Contact
-- Form 7's script sends it (converted once, when the file is read).
local multipart = os.getenv("BENCH_MULTIPART") == "1"
local boundary = "----benchFormBoundary9f8e7d"

local function url_decode(text)
  text = text:gsub("%+", " ")
  return (text:gsub("%%(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end))
end

local function part(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n" .. value .. "\r\n"
end

local function to_multipart(form)
  local parts = {}
  for pair in form:gmatch("[^&]+") do
    local name, value = pair:match("^([^=]*)=?(.*)$")
    parts[#parts + 1] = part(url_decode(name), url_decode(value))
  end
  return table.concat(parts)
end

local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do
  if #line > 0 then bodies[#bodies + 1] = multipart and to_multipart(line) or line end
end
local path = os.getenv("BENCH_PATH") or "/wp-comments-post.php"
local headers = { ["Content-Type"] = multipart and ("multipart/form-data; boundary=" .. boundary)
                                     or "application/x-www-form-urlencoded" }
local count_status = os.getenv("BENCH_COUNT_STATUS") == "1"

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  index = (id * 7919) % #bodies
  sent = 0
  c2, c3, c4, c5 = 0, 0, 0, 0
end

function request()
  index = index % #bodies + 1
  sent = sent + 1
  local who = id .. "x" .. sent
  local body
  if multipart then
    body = bodies[index] .. part("author", "Visitor " .. who) .. part("email", "visitor" .. who .. "@example.org") ..
           "--" .. boundary .. "--\r\n"
  else
    body = bodies[index] .. "&author=Visitor+" .. who .. "&email=visitor" .. who .. "%40example.org"
  end
  return wrk.format("POST", path, headers, body)
end

if count_status then
  function response(status, hdrs, body)
    if status < 300 then c2 = c2 + 1
    elseif status < 400 then c3 = c3 + 1
    elseif status < 500 then c4 = c4 + 1
    else c5 = c5 + 1 end
  end
end

function done(summary, latency, requests)
  local s2, s3, s4, s5 = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    s2 = s2 + (t:get("c2") or 0)
    s3 = s3 + (t:get("c3") or 0)
    s4 = s4 + (t:get("c4") or 0)
    s5 = s5 + (t:get("c5") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"non_2xx_3xx":%d,' ..
    '"counted":%s,"s2xx":%d,"s3xx":%d,"s4xx":%d,"s5xx":%d}\n',
    summary.requests, summary.duration, math.floor(latency:percentile(50)),
    math.floor(latency:percentile(90)), math.floor(latency:percentile(99)), latency.max, e.connect, e.read, e.write, e.timeout, e.status,
    tostring(count_status), s2, s3, s4, s5))
end
