import { MigrationInterface, QueryRunner } from "typeorm";

export class ProjectEventsCountFromClickhouse1796224009500 implements MigrationInterface {
    name = 'ProjectEventsCountFromClickhouse1796224009500'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "events_count"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "projects" ADD "events_count" bigint NOT NULL DEFAULT '0'`);
    }

}
