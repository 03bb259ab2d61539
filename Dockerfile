# Runner's container image: `runner serve` on Debian 12 with the JDK, Maven and its offline
# repository, Gradle, JUnit and the example PITs. Nothing is downloaded but Debian packages.
#
#   docker build -t runner .
#   docker run --rm --cap-drop ALL --cap-add CHOWN --cap-add DAC_OVERRIDE \
#     --cap-add FOWNER --cap-add KILL --cap-add SETUID --cap-add SETGID \
#     -e RUNNER_SANDBOX=basic ... runner
#
# Deployment, the sandbox levels in a container, and why `basic` runs as the non-root user with
# six capabilities and `full` as uid 0: docs/deploy.md. scripts/image-rootfs.sh replays the runtime stage
# below in a debootstrap chroot (no Docker engine needed) and grades an example inside it: it
# parses this file, so keep to the instructions it knows (FROM, WORKDIR, COPY, RUN, ENV, USER and
# metadata; no ARG), and keep the build stage's RUN lines safe to run on a Debian 12 host.

# ---- build: compile and install Runner under /opt/runner --------------------------------------
FROM debian:12 AS build
WORKDIR /src
# install.sh alone first, so the package layer is cached across source changes.
COPY scripts/install.sh scripts/install.sh
RUN scripts/install.sh --build
COPY . .
# The data dirs are compiled in (RUNNER_SHARE_DIR, RUNNER_TESTHOST_DIR) at their installed places;
# tests are not built.
RUN cmake -S . -B build-image -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
      -DCMAKE_INSTALL_PREFIX=/opt/runner -DRUNNER_SHARE_DIR=/opt/runner/share/runner \
      -DRUNNER_TESTHOST_DIR=/opt/runner/lib/runner/testhost -DRUNNER_BUILD_ARCHIVES=OFF \
 && cmake --build build-image -j "$(nproc)" \
 && rm -rf build-image/stage \
 && DESTDIR="$PWD/build-image/stage" cmake --install build-image --strip

# ---- runtime ------------------------------------------------------------------------------------
FROM debian:12 AS runtime
COPY scripts/install.sh /usr/local/lib/runner/install.sh
# The JDK's post-install registers man pages with update-alternatives; some bases lack the folder.
RUN mkdir -p /usr/share/man/man1 \
 && /usr/local/lib/runner/install.sh --runtime \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /usr/local/lib/runner /tmp/hsperfdata_root
# The image's user. RUNNER_WORK_DIR lives in its home; 0711 lets the per-slot job uids traverse
# to their own job folder without listing the others.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/runner --no-create-home \
      --shell /usr/sbin/nologin runner \
 && install -d -o runner -g runner -m 0711 /var/lib/runner /var/lib/runner/work
COPY --from=build /src/build-image/stage/opt/runner /opt/runner
COPY examples/pits /opt/runner/pits
# The class-data archives of the javac fast path's test host and of Maven are only valid for the
# JDK and the jar paths they were dumped with, so they are made again where the runner is
# installed, with this stage's JDK (make-archive.sh TESTHOST_DIR SHARE_DIR).
RUN if [ -x /opt/runner/lib/runner/testhost/make-archive.sh ]; then \
      /opt/runner/lib/runner/testhost/make-archive.sh /opt/runner/lib/runner/testhost \
        /opt/runner/share/runner \
      && rm -rf /tmp/hsperfdata_root; \
    fi
# The capabilities `basic` uses (switching to the slot uids, chown of the job folder and reading
# it back whatever modes the job left, removing the slot uid's files from sticky /tmp, killing its
# processes): the runner runs `basic` as the non-root user below with these and no others
# (docs/deploy.md). `full` (EC2) runs as uid 0; for uid 0 the file capabilities change nothing.
# The bundled Maven and Gradle PITs' build plans, learnt now so the first submission of each
# does not pay for it (docs/build-drivers.md, "Build plans"). A plan does not depend on the
# sandbox level, and the build has no namespaces to give, so this runs unsandboxed on the
# PITs' own files.
RUN for pit in /opt/runner/pits/*/; do \
      RUNNER_SANDBOX=none RUNNER_CACHE_DIR=/var/lib/runner/cache /opt/runner/bin/runner pit check "$pit" \
        || exit 1; \
    done \
 && chown -R runner:runner /var/lib/runner/cache && rm -rf /tmp/hsperfdata_root /tmp/runner-job-*
RUN setcap cap_chown,cap_dac_override,cap_fowner,cap_kill,cap_setgid,cap_setuid+ep /opt/runner/bin/runner
ENV PATH=/opt/runner/bin:$PATH \
    RUNNER_PITS_DIR=/opt/runner/pits \
    RUNNER_WORK_DIR=/var/lib/runner/work \
    RUNNER_CACHE_DIR=/var/lib/runner/cache \
    RUNNER_HTTP_PORT=8080
USER 10001:10001
WORKDIR /var/lib/runner
EXPOSE 8080
# The runner stops receiving on SIGTERM and gives running jobs RUNNER_SHUTDOWN_GRACE_MS.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${RUNNER_HTTP_PORT:-8080}/healthz" || exit 1
# tini as PID 1 forwards SIGTERM to the runner and reaps whatever else gets re-parented to it.
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/runner/bin/runner"]
CMD ["serve"]
