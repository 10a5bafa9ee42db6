#include "http/http_response.h"

#include "util/json_text.h"

namespace spamgate {

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 302: return "Found";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
  }
  return "";
}

static HttpResponse with_type(int status, std::string body, const char* type) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", type}, {"Cache-Control", "no-store"}};
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::text(int status, std::string body) {
  if (body.empty() || body.back() != '\n') body += '\n';
  return with_type(status, std::move(body), "text/plain; charset=utf-8");
}

HttpResponse HttpResponse::json(int status, const nlohmann::json& body) {
  return with_type(status, json_text(body), "application/json");
}

HttpResponse HttpResponse::json(int status, const nlohmann::ordered_json& body) {
  return with_type(status, json_text(body), "application/json");
}

HttpResponse HttpResponse::html(int status, std::string body) {
  return with_type(status, std::move(body), "text/html; charset=utf-8");
}

HttpResponse HttpResponse::redirect(std::string location) {
  HttpResponse response;
  response.status = 302;
  response.headers = {{"Location", std::move(location)}, {"Cache-Control", "no-store"}};
  return response;
}

HttpResponse HttpResponse::relay(std::string cgi_output) {
  HttpResponse response;
  response.relayed = true;
  response.relayed_cgi_output = std::move(cgi_output);
  return response;
}

std::string HttpResponse::cgi_head() const {
  if (relayed) return {};
  std::string out;
  out.reserve(96);
  out += "Status: ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

std::string HttpResponse::to_cgi() const { return cgi_head() + cgi_body(); }

}  // namespace spamgate
