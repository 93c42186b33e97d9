#include "app/vsmd/daemon.h"

#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/vsmd/cim_endpoint.h"
#include "app/vsmd/data_root_lock.h"
#include "cim/class_registry.h"
#include "cim/dispatcher.h"
#include "cim/providers.h"
#include "cimxml/xml_embedded_instance_codec.h"
#include "jobs/job_manager.h"
#include "server/http_server.h"
#include "service/virtual_system_management_service.h"
#include "store/repository.h"

namespace vsm::app {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace

// Declared in the order they are built; destroyed in reverse.
struct Daemon::Parts {
  std::unique_ptr<DataRootLock> lock;
  std::unique_ptr<store::Repository> repository;
  std::unique_ptr<jobs::JobManager> jobs;
  std::unique_ptr<service::VirtualSystemManagementService> service;
  std::unique_ptr<cim::ClassRegistry> registry;
  cimxml::XmlEmbeddedInstanceCodec codec;
  std::unique_ptr<cim::Dispatcher> dispatcher;
  std::unique_ptr<CimEndpoint> endpoint;
  std::unique_ptr<server::HttpServer> server;
};

Daemon::Daemon(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Daemon::~Daemon() { Stop(); }

Result<std::unique_ptr<Daemon>> Daemon::Start(const DaemonConfig& config) {
  auto parts = std::make_unique<Parts>();
  VSM_ASSIGN_OR_RETURN(parts->lock, DataRootLock::Acquire(config.data_root));
  VSM_ASSIGN_OR_RETURN(parts->repository, store::OpenSqliteRepository(config.DatabasePath()));

  parts->jobs = std::make_unique<jobs::JobManager>(
      *parts->repository, jobs::JobManagerOptions{.worker_count = config.job_workers,
                                                  .time_before_removal = config.job_time_before_removal});
  // Jobs a killed vsmd left running are rolled back and marked before anything new starts.
  VSM_RETURN_IF_ERROR(parts->jobs->Recover());
  parts->jobs->Start();
  parts->service = std::make_unique<service::VirtualSystemManagementService>(
      *parts->repository, *parts->jobs, service::ServiceOptions{.data_root = config.data_root,
                                                      .max_parallel_files = config.copy_parallel_files});

  VSM_ASSIGN_OR_RETURN(parts->registry, cim::ClassRegistry::LoadEmbedded());
  parts->dispatcher = std::make_unique<cim::Dispatcher>(*parts->registry);
  for (auto& provider : cim::MakeMsvmProviders(*parts->service, parts->codec, HostName())) {
    parts->dispatcher->Register(std::move(provider));
  }
  parts->endpoint = std::make_unique<CimEndpoint>(*parts->dispatcher);

  server::HttpServerOptions options;
  options.listen = config.listen;
  options.socket_path = config.SocketPath();
  options.worker_count = config.http_workers;
  options.max_body_bytes = config.max_body_bytes;
  CimEndpoint& endpoint = *parts->endpoint;
  auto handler = [&endpoint](const server::HttpRequest& request, const Principal& principal) {
    cimxml::RequestHeaders headers{.cim_operation = request.Header("CIMOperation"),
                                   .cim_method = request.Header("CIMMethod"),
                                   .cim_object = request.Header("CIMObject"),
                                   .cim_protocol_version = request.Header("CIMProtocolVersion")};
    CimReply reply = endpoint.Handle(request.body, headers, principal);
    server::HttpResponse response;
    response.status = reply.status;
    response.headers = std::move(reply.headers);
    response.body = std::move(reply.body);
    return response;
  };
  VSM_ASSIGN_OR_RETURN(parts->server,
                       server::HttpServer::Start(options, *parts->repository, std::move(handler)));
  spdlog::info("vsmd serving CIM-XML on {} and unix socket {} (data root {})",
               config.listen.empty() ? "no TCP port" : "http://" + config.listen + "/cimom",
               config.SocketPath().string(), config.data_root.string());
  return std::unique_ptr<Daemon>(new Daemon(std::move(parts)));
}

void Daemon::Stop() {
  if (!parts_) return;
  if (parts_->server) parts_->server->Stop();
  if (parts_->jobs) parts_->jobs->Shutdown();
}

}  // namespace vsm::app
