"""`python -m gpu_worker [serve]`: serve ImageGenService (engine and workers from GRIDAM_* settings).

Imports stay inside main(): every worker process (spawn) imports this module again as
__mp_main__, and should not pay for the gRPC server's imports.
"""


def main() -> None:
    from gpu_worker import bootstrap
    from gpu_worker.config import GpuWorkerSettings
    from gridam_runtime.cli import service_main

    service_main("gpu_worker", GpuWorkerSettings, {"serve": bootstrap.serve}, component="gpu-worker")


if __name__ == "__main__":
    main()
