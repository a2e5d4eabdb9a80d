#include "socket_io_server.hpp"

#include <random>
#include <stdexcept>
#include <vector>

#include "engine_io_codec.hpp"
#include "socket_io_codec.hpp"
#include "socket_io_namespace.hpp"

namespace processhost::host {
namespace {

constexpr std::chrono::milliseconds kSweepPeriod{1000};

// 20 characters from 120 random bits: a sid is the capability to read a client's events.
std::string random_sid() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device device;
  std::string sid;
  for (int i = 0; i < 4; ++i) {
    std::uint32_t bits = device();
    for (int j = 0; j < 5; ++j, bits >>= 6) sid.push_back(kAlphabet[bits & 63]);
  }
  return sid;
}

HttpResponse protocol_error(int code, std::string_view message) {
  return HttpResponse::json(400, "{\"code\":" + std::to_string(code) + ",\"message\":\"" + std::string(message) + "\"}");
}

class NamespaceHandle final : public SocketNamespace {
 public:
  NamespaceHandle(SocketIoServer& server, std::shared_ptr<NamespaceCore> core)
      : server_(server), core_(std::move(core)) {}
  ~NamespaceHandle() override {
    server_.remove_namespace(core_->name());
    core_->close();
  }
  const std::string& name() const override { return core_->name(); }

 private:
  SocketIoServer& server_;
  std::shared_ptr<NamespaceCore> core_;
};

}  // namespace

SocketIoServer::SocketIoServer(EngineIoSettings settings, Logger& logger) : settings_(settings), logger_(logger) {}

SocketIoServer::~SocketIoServer() { shutdown(); }

WebSocketRoute SocketIoServer::start(RouteTable& routes) {
  const std::string path(kPath);
  for (const char* method : {"GET", "POST"}) {
    routes.add("host", method, path, [this](HttpRequest request, std::shared_ptr<Responder> responder) {
      handle_polling(std::move(request), std::move(responder));
    });
  }
  sweeper_ = std::thread([this] { sweep_until_stopped(); });
  WebSocketRoute route;
  route.path = path;
  route.max_queued_bytes = settings_.max_queued_bytes;
  route.open = [this](HttpRequest request, std::shared_ptr<WebSocketChannel> channel) {
    open_websocket(std::move(request), std::move(channel));
  };
  return route;
}

void SocketIoServer::shutdown() noexcept {
  std::vector<std::shared_ptr<EngineIoSession>> sessions;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [sid, session] : sessions_) sessions.push_back(session);
  }
  wake_sweeper_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  for (auto& session : sessions) session->close("the host stops");
}

std::unique_ptr<SocketNamespace> SocketIoServer::open_namespace(std::string name, SocketNamespaceHandlers handlers) {
  if (name.size() < 2 || name[0] != '/' || name.find_first_of(",?# ") != std::string::npos) {
    throw std::invalid_argument("malformed socket.io namespace '" + name + "' (expected '/name')");
  }
  auto core = std::make_shared<NamespaceCore>(name, std::move(handlers));
  std::lock_guard lock(mutex_);
  if (!namespaces_.emplace(name, core).second) {
    throw std::invalid_argument("socket.io namespace '" + name + "' is already open");
  }
  return std::make_unique<NamespaceHandle>(*this, std::move(core));
}

void SocketIoServer::remove_namespace(const std::string& name) {
  std::lock_guard lock(mutex_);
  namespaces_.erase(name);
}

std::size_t SocketIoServer::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::shared_ptr<EngineIoSession> SocketIoServer::create_session(const HttpRequest& request) {
  SocketHandshake handshake;
  handshake.headers = request.headers;
  handshake.query = request.query;
  handshake.remote_address = request.remote_address;
  auto session = std::make_shared<EngineIoSession>(random_sid(), std::move(handshake), settings_,
                                                   static_cast<EngineIoListener&>(*this), logger_);
  std::lock_guard lock(mutex_);
  if (stopping_) return nullptr;
  sessions_.emplace(session->sid(), session);
  return session;
}

std::shared_ptr<EngineIoSession> SocketIoServer::find_session(std::string_view sid) const {
  std::lock_guard lock(mutex_);
  const auto found = sessions_.find(std::string(sid));
  return found == sessions_.end() ? nullptr : found->second;
}

void SocketIoServer::handle_polling(HttpRequest request, std::shared_ptr<Responder> responder) {
  if (request.query_param("EIO") != "3") {
    responder->respond(protocol_error(5, "Unsupported protocol version"));
    return;
  }
  if (request.query_param("transport") != "polling" || request.query_param("j")) {
    responder->respond(protocol_error(0, "Transport unknown"));
    return;
  }
  const auto sid = request.query_param("sid");
  if (!sid) {
    if (request.method != "GET") {
      responder->respond(protocol_error(2, "Bad handshake method"));
      return;
    }
    const auto session = create_session(request);
    if (!session) {
      responder->respond(HttpResponse::error(ErrorStatus::unavailable, "the host is shutting down"));
      return;
    }
    const auto open = engine_io::open_packet_json(session->sid(), true, settings_.ping_interval.count(),
                                                  settings_.ping_timeout.count());
    // socket.io 2 puts every client in the default namespace at once.
    session->send(engine_io::encode_packet(engine_io::PacketType::open, open));
    session->send(engine_io::encode_packet(engine_io::PacketType::message,
                                           socket_io::encode(socket_io::PacketType::connect, "/")));
    session->poll(std::move(responder));
    return;
  }
  const auto session = find_session(*sid);
  if (!session) {
    responder->respond(protocol_error(1, "Session ID unknown"));
    return;
  }
  if (request.method == "GET") {
    session->poll(std::move(responder));
  } else {
    responder->respond(session->receive(request.body));
  }
}

void SocketIoServer::open_websocket(HttpRequest request, std::shared_ptr<WebSocketChannel> channel) {
  if (request.query_param("EIO") != "3" || request.query_param("transport") != "websocket") {
    channel->close();
    return;
  }
  if (const auto sid = request.query_param("sid")) {
    const auto session = find_session(*sid);
    if (!session) {
      channel->close();
      return;
    }
    session->attach_websocket(std::move(channel), true);
    return;
  }
  const auto session = create_session(request);
  if (!session) {
    channel->close();
    return;
  }
  session->attach_websocket(channel, false);
  const auto open = engine_io::open_packet_json(session->sid(), false, settings_.ping_interval.count(),
                                                settings_.ping_timeout.count());
  session->send(engine_io::encode_packet(engine_io::PacketType::open, open));
  session->send(engine_io::encode_packet(engine_io::PacketType::message,
                                         socket_io::encode(socket_io::PacketType::connect, "/")));
}

void SocketIoServer::on_message(const std::shared_ptr<EngineIoSession>& session, std::string data) {
  const auto packet = socket_io::decode(data);
  if (!packet || packet->nsp == "/") return;
  switch (packet->type) {
    case socket_io::PacketType::connect: {
      std::shared_ptr<NamespaceCore> core;
      {
        std::lock_guard lock(mutex_);
        const auto found = namespaces_.find(packet->nsp);
        if (found != namespaces_.end()) core = found->second;
      }
      if (!core) {
        session->send(engine_io::encode_packet(
            engine_io::PacketType::message,
            socket_io::encode(socket_io::PacketType::error, packet->nsp, "\"Invalid namespace\"")));
        return;
      }
      SocketHandshake handshake = session->handshake();
      for (auto& pair : socket_io::parse_query(packet->query)) handshake.query.push_back(std::move(pair));
      auto client = std::make_shared<NamespaceClient>(core, session, std::move(handshake));
      session->add_client(client);
      core->connect(client);
      return;
    }
    case socket_io::PacketType::disconnect:
      session->leave(packet->nsp, false);
      return;
    case socket_io::PacketType::event: {
      const auto client = session->client(packet->nsp);
      if (!client) return;
      // The event's name is the first element of its JSON array; the plugin gets the array.
      const auto quote = packet->data.find('"');
      const auto end = quote == std::string::npos ? quote : packet->data.find('"', quote + 1);
      if (end == std::string::npos) return;
      client->core()->event(client, packet->data.substr(quote + 1, end - quote - 1), packet->data);
      return;
    }
    default:
      return;
  }
}

void SocketIoServer::on_closed(const std::shared_ptr<EngineIoSession>& session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session->sid());
}

void SocketIoServer::sweep_until_stopped() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_sweeper_.wait_for(lock, kSweepPeriod, [this] { return stopping_; });
    if (stopping_) return;
    std::vector<std::shared_ptr<EngineIoSession>> expired;
    const auto now = std::chrono::steady_clock::now();
    for (auto& [sid, session] : sessions_) {
      if (session->expired(now)) expired.push_back(session);
    }
    lock.unlock();
    for (auto& session : expired) session->close("ping timeout");
    lock.lock();
  }
}

}  // namespace processhost::host
