package org.myelin.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain Redis subscriber that records every message on some channels. */
final class RecordingSubscriber implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisPubSubConnection<String, String> connection;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private RecordingSubscriber(String uri, String... channels) {
        client = RedisClient.create(uri);
        connection = client.connectPubSub();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                messages.add(message.strip().isEmpty() ? message : message.stripTrailing());
            }
        });
        connection.sync().subscribe(channels);
    }

    static RecordingSubscriber start(String uri, String... channels) {
        return new RecordingSubscriber(uri, channels);
    }

    List<String> messages() {
        return messages;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
