#include "engine_io_session.hpp"

#include "engine_io_codec.hpp"
#include "socket_io_codec.hpp"
#include "socket_io_namespace.hpp"

namespace processhost::host {

using engine_io::PacketType;

EngineIoSession::EngineIoSession(std::string sid, SocketHandshake handshake, EngineIoSettings settings,
                                 EngineIoListener& listener, Logger& logger)
    : sid_(std::move(sid)),
      handshake_(std::move(handshake)),
      settings_(settings),
      listener_(listener),
      logger_(logger),
      last_seen_(std::chrono::steady_clock::now()) {}

HttpResponse EngineIoSession::payload_response(const std::vector<std::string>& packets) {
  HttpResponse response;
  response.headers.emplace_back("Content-Type", "text/plain; charset=UTF-8");
  response.body = engine_io::encode_payload(packets);
  return response;
}

bool EngineIoSession::send(std::string packet) {
  std::shared_ptr<Responder> poll;
  std::shared_ptr<WebSocketChannel> websocket;
  std::vector<std::string> batch;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    if (websocket_active_) {
      websocket = websocket_;
    } else {
      queued_bytes_ += packet.size();
      queue_.push_back(std::move(packet));
      if (queued_bytes_ > settings_.max_queued_bytes) {
        // Falls through to close below, outside the lock.
      } else if (poll_) {
        poll = std::move(poll_);
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
        queue_.clear();
        queued_bytes_ = 0;
      }
    }
  }
  if (websocket) {
    if (websocket->send(std::move(packet))) return true;
    close("the client reads too slowly");
    return false;
  }
  if (poll) {
    poll->respond(payload_response(batch));
    return true;
  }
  std::size_t queued = 0;
  {
    std::lock_guard lock(mutex_);
    queued = queued_bytes_;
  }
  if (queued > settings_.max_queued_bytes) {
    close("the client fetches too slowly (more than " + std::to_string(settings_.max_queued_bytes) +
          " bytes queued)");
    return false;
  }
  return true;
}

void EngineIoSession::poll(std::shared_ptr<Responder> responder) {
  std::vector<std::string> batch;
  bool overlapping = false;
  {
    std::lock_guard lock(mutex_);
    last_seen_ = std::chrono::steady_clock::now();
    if (closed_) {
      batch.push_back(engine_io::encode_packet(PacketType::close));
    } else if (poll_) {
      overlapping = true;
    } else if (upgrading_ || websocket_active_) {
      // The client is moving to the WebSocket: this poll ends at once so it can pause.
      batch.push_back(engine_io::encode_packet(PacketType::noop));
    } else if (!queue_.empty()) {
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
      queued_bytes_ = 0;
    } else {
      poll_ = responder;
    }
  }
  if (overlapping) {
    responder->respond(HttpResponse::json(400, R"({"code":3,"message":"Bad request"})"));
    close("overlapping polls");
    return;
  }
  if (!batch.empty()) {
    responder->respond(payload_response(batch));
    return;
  }
  // A poll whose client went away stops waiting; the next poll takes its place.
  responder->on_cancel([weak = weak_from_this(), raw = responder.get()] {
    if (auto self = weak.lock()) {
      std::lock_guard lock(self->mutex_);
      if (self->poll_.get() == raw) self->poll_.reset();
    }
  });
}

HttpResponse EngineIoSession::receive(std::string_view body) {
  const auto packets = engine_io::decode_payload(body);
  if (!packets) {
    close("a malformed polling payload");
    return HttpResponse::json(400, R"({"code":3,"message":"Bad request"})");
  }
  {
    std::lock_guard lock(mutex_);
    last_seen_ = std::chrono::steady_clock::now();
  }
  for (const auto& packet : *packets) handle_packet(packet);
  HttpResponse response;
  response.headers.emplace_back("Content-Type", "text/html");
  response.body = "ok";
  return response;
}

void EngineIoSession::attach_websocket(std::shared_ptr<WebSocketChannel> channel, bool upgrading) {
  {
    std::lock_guard lock(mutex_);
    if (closed_ || websocket_) {
      channel->close();
      return;
    }
    websocket_ = channel;
    websocket_active_ = !upgrading;
    last_seen_ = std::chrono::steady_clock::now();
  }
  std::weak_ptr<EngineIoSession> weak = weak_from_this();
  std::weak_ptr<WebSocketChannel> weak_channel = channel;
  channel->start(
      [weak, weak_channel](std::string text) {
        auto self = weak.lock();
        auto channel = weak_channel.lock();
        if (self && channel) self->on_websocket_message(channel, std::move(text));
      },
      [weak, weak_channel] {
        auto self = weak.lock();
        if (!self) return;
        bool was_active = false;
        {
          std::lock_guard lock(self->mutex_);
          if (self->websocket_ != weak_channel.lock()) return;
          was_active = self->websocket_active_;
          self->websocket_.reset();
          self->websocket_active_ = false;
          self->upgrading_ = false;
        }
        // A probe that failed leaves polling in place; a WebSocket in use was the transport.
        if (was_active) self->close("the WebSocket closed");
      });
}

void EngineIoSession::on_websocket_message(const std::shared_ptr<WebSocketChannel>& channel, std::string text) {
  std::shared_ptr<Responder> poll;
  std::vector<std::string> batch;
  {
    std::lock_guard lock(mutex_);
    last_seen_ = std::chrono::steady_clock::now();
    if (!websocket_active_) {
      if (text == "2probe") {
        upgrading_ = true;
        poll = std::move(poll_);
      } else if (text == "5" && upgrading_) {
        // The upgrade is complete: what waited for a poll goes out on the WebSocket.
        websocket_active_ = true;
        upgrading_ = false;
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
        queue_.clear();
        queued_bytes_ = 0;
        poll = std::move(poll_);
      } else {
        return;
      }
    }
  }
  if (text == "2probe") {
    channel->send(engine_io::encode_packet(PacketType::pong, "probe"));
    if (poll) poll->respond(payload_response({engine_io::encode_packet(PacketType::noop)}));
    return;
  }
  if (text == "5") {
    if (poll) poll->respond(payload_response({engine_io::encode_packet(PacketType::noop)}));
    for (auto& packet : batch) {
      if (!channel->send(std::move(packet))) {
        close("the client reads too slowly");
        return;
      }
    }
    return;
  }
  handle_packet(text);
}

void EngineIoSession::handle_packet(std::string_view text) {
  const auto packet = engine_io::decode_packet(text);
  if (!packet) return;
  switch (packet->type) {
    case PacketType::ping:
      send(engine_io::encode_packet(PacketType::pong, packet->data));
      return;
    case PacketType::message:
      listener_.on_message(shared_from_this(), std::move(packet->data));
      return;
    case PacketType::close:
      close("the client closed");
      return;
    default:
      return;
  }
}

bool EngineIoSession::expired(std::chrono::steady_clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return now - last_seen_ > settings_.ping_interval + settings_.ping_timeout;
}

void EngineIoSession::close(const std::string& reason) {
  std::shared_ptr<Responder> poll;
  std::shared_ptr<WebSocketChannel> websocket;
  std::map<std::string, std::shared_ptr<NamespaceClient>> clients;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    poll = std::move(poll_);
    websocket = std::move(websocket_);
    websocket_active_ = false;
    queue_.clear();
    queued_bytes_ = 0;
    clients.swap(clients_);
  }
  if (logger_.enabled(LogLevel::debug)) logger_.debug("socket.io: session " + sid_ + " closed: " + reason);
  if (poll) poll->respond(payload_response({engine_io::encode_packet(PacketType::close)}));
  if (websocket) websocket->close();
  for (auto& [nsp, client] : clients) {
    if (client->mark_gone()) client->core()->left(*client);
  }
  listener_.on_closed(shared_from_this());
}

void EngineIoSession::add_client(std::shared_ptr<NamespaceClient> client) {
  std::shared_ptr<NamespaceClient> replaced;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    auto& slot = clients_[client->core()->name()];
    replaced = std::move(slot);
    slot = std::move(client);
  }
  // A client that joins a namespace twice leaves its first membership.
  if (replaced && replaced->mark_gone()) replaced->core()->left(*replaced);
}

std::shared_ptr<NamespaceClient> EngineIoSession::client(const std::string& nsp) const {
  std::lock_guard lock(mutex_);
  const auto found = clients_.find(nsp);
  return found == clients_.end() ? nullptr : found->second;
}

void EngineIoSession::leave(const std::string& nsp, bool tell_client) {
  std::shared_ptr<NamespaceClient> client;
  {
    std::lock_guard lock(mutex_);
    const auto found = clients_.find(nsp);
    if (found == clients_.end()) return;
    client = std::move(found->second);
    clients_.erase(found);
  }
  if (tell_client) {
    send(engine_io::encode_packet(PacketType::message, socket_io::encode(socket_io::PacketType::disconnect, nsp)));
  }
  if (client->mark_gone()) client->core()->left(*client);
}

}  // namespace processhost::host
