{{/*
What each GriDam process is, as the code defines it (not tunable, so not in values.yaml):
  kind        http (the gateway), grpc (a service), worker (no inbound calls)
  args        the command of the image's entrypoint (`python -m <module> <args>`)
  grpcService the full name readiness checks (gRPC health) and callers use
  addressVar  the variable other processes find it by in `kubernetes` discovery
  migrate     runs `migrate` before installs and upgrades (a MySQL schema of its own)
  calls       the processes it calls (NetworkPolicy edges)
  stores      the external stores it reaches (NetworkPolicy egress)
  externalApis the HTTPS APIs outside the cluster it calls (NetworkPolicy egress to
              networkPolicy.externalApis)
  env         variables the code needs as they are (not tunable: values.schema.json refuses them
              in services.X.env)
  secretEnv   variable -> key of the settings Secret
  keys        the files of the keys Secret it mounts (a service-token private key only for the
              service that signs with it; public keys of the services whose calls it accepts)
  media       mounts the media volume
  singleton   exactly one replica, never two during a rollout (the CDC reader: one binlog
              reader per server id; values.schema.json refuses more replicas)
*/}}
{{- define "gridam.components" -}}
gateway:
  kind: http
  args: []
  calls: [user, diary, emotion, card]
  # redis: the user service's profile changes, for its copy of the notifications' actors
  stores: [redis]
  secretEnv:
    GRIDAM_REDIS_URL: redis-url
  keys: [jwt-ed25519.pub.pem, media-url.key]
  media: true
user:
  kind: grpc
  args: [serve]
  grpcService: gridam.user.v1.UserService
  addressVar: GRIDAM_USER_SERVICE_ADDR
  migrate: true
  # diary: follow events; diary, emotion, card: forgetting a deleted account
  calls: [diary, emotion, card]
  stores: [mysql, redis]
  externalApis: [kakao-login, naver-login, sms]
  # Phone codes go out through Naver Cloud SENS; the development sender (a file) is never used.
  env: {GRIDAM_SMS_PROVIDER: sens}
  secretEnv:
    GRIDAM_DATABASE_URL: user-database-url
    GRIDAM_REDIS_URL: redis-url
    GRIDAM_KAKAO_CLIENT_SECRET: kakao-client-secret
    GRIDAM_NAVER_CLIENT_SECRET: naver-client-secret
    GRIDAM_SMS_SENDER_NUMBER: sms-sender-number
    GRIDAM_SENS_SERVICE_ID: sens-service-id
    GRIDAM_SENS_ACCESS_KEY: sens-access-key
    GRIDAM_SENS_SECRET_KEY: sens-secret-key
  keys: [jwt-ed25519.pem, jwt-ed25519.pub.pem, service-gridam-user-ed25519.pem, service-gridam-diary-ed25519.pub.pem, oauth-state.key]
  media: true
diary:
  kind: grpc
  args: [serve]
  grpcService: gridam.diary.v1.DiaryService
  addressVar: GRIDAM_DIARY_SERVICE_ADDR
  migrate: true
  calls: [user, card]
  stores: [mysql, redis, mongodb]
  secretEnv:
    GRIDAM_DATABASE_URL: diary-database-url
    GRIDAM_REDIS_URL: redis-url
    GRIDAM_ANALYTICS_MONGODB_URL: analytics-mongodb-url
  keys: [jwt-ed25519.pub.pem, service-gridam-diary-ed25519.pem, service-gridam-user-ed25519.pub.pem]
  media: true
diaryWorker:
  kind: worker
  args: [worker]
  calls: [user, emotion, card]
  # redis: the posts its purges delete and the diaries its imports write, told to the copies of them
  stores: [mysql, redis]
  secretEnv:
    GRIDAM_DATABASE_URL: diary-database-url
    GRIDAM_REDIS_URL: redis-url
  keys: [service-gridam-diary-ed25519.pem]
  media: true
emotion:
  kind: grpc
  args: [serve]
  grpcService: gridam.emotion.v2.EmotionService
  addressVar: GRIDAM_EMOTION_SERVICE_ADDR
  migrate: true
  calls: []
  stores: [mysql, redis, mongodb]
  secretEnv:
    GRIDAM_DATABASE_URL: emotion-database-url
    GRIDAM_REDIS_URL: redis-url
    GRIDAM_ANALYTICS_MONGODB_URL: analytics-mongodb-url
  keys: [jwt-ed25519.pub.pem, service-gridam-diary-ed25519.pub.pem, service-gridam-card-ed25519.pub.pem, service-gridam-user-ed25519.pub.pem]
  media: true
card:
  kind: grpc
  args: [serve]
  grpcService: gridam.card.v2.CardService
  addressVar: GRIDAM_CARD_SERVICE_ADDR
  migrate: true
  calls: [diary, emotion, gpuWorker]
  stores: [mysql, redis]
  secretEnv:
    GRIDAM_DATABASE_URL: card-database-url
    GRIDAM_REDIS_URL: redis-url
  keys: [jwt-ed25519.pub.pem, service-gridam-card-ed25519.pem, service-gridam-diary-ed25519.pub.pem, service-gridam-user-ed25519.pub.pem]
  media: true
gpuWorker:
  kind: grpc
  args: [serve]
  grpcService: gridam.imagegen.v2.ImageGenService
  addressVar: GRIDAM_IMAGEGEN_SERVICE_ADDR
  calls: []
  stores: []
  secretEnv: {}
  keys: [service-gridam-card-ed25519.pub.pem]
  media: false
cdcReader:
  kind: worker
  args: [reader]
  calls: []
  stores: [mysql, kafka]
  secretEnv: {GRIDAM_CDC_MYSQL_URL: cdc-mysql-url}
  keys: []
  media: false
  singleton: true
cdcProjector:
  kind: worker
  args: [projector]
  calls: []
  stores: [kafka, mongodb]
  secretEnv: {GRIDAM_ANALYTICS_MONGODB_URL: analytics-mongodb-url}
  keys: []
  media: false
{{- end }}
