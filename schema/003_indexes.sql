-- flows' secondary indexes: the queries users run most (a flow by its
-- endpoints, the flows of a capture, flows by final state or conn_state)
-- go through them. In a file of their own because `ingest -j` into a new
-- database builds them once, after every shard is in (db_finish_scratch).
CREATE INDEX flows_capture ON flows(capture_id);
CREATE INDEX flows_client ON flows(client_ip, client_port);
CREATE INDEX flows_server ON flows(server_ip, server_port);
CREATE INDEX flows_final ON flows(client_state, server_state);
CREATE INDEX flows_conn_state ON flows(conn_state);
